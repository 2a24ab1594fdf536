image "logo" {
  prompt = "a logo"
  output = "logo.png"
}

image "logo" { # ERROR: Duplicate image block
  prompt = "another logo"
  output = "logo2.png"
}
