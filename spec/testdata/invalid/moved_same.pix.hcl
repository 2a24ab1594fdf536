image "logo" {
  prompt = "a logo"
  output = "logo.png"
}

moved { # ERROR: Redundant moved block
  from = image.old
  to   = image.old
}

moved {
  from = image.older
  to   = image.logo
}

moved {
  from = image.older # ERROR: Duplicate moved block
  to   = image.other
}

moved {
  from = image.logo # ERROR: Moved object still exists
  to   = image.new
}

moved {
  from = "image.x" # ERROR: Invalid moved address
  to   = image.y
}
