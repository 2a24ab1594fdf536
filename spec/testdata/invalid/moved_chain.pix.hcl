image "c" {
  prompt = "a logo"
  output = "logo.png"
}

moved {
  from = image.a
  to   = image.x
}

moved {
  from = image.x
  to   = image.c
}

moved {
  from = image.b
  to   = image.c # ERROR: Ambiguous moved blocks
}

moved { # ERROR: Cyclic moved blocks
  from = image.p
  to   = image.q
}

moved {
  from = image.q
  to   = image.r
}

moved {
  from = image.r
  to   = image.p
}
