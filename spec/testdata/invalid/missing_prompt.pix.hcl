image "logo" { # ERROR: Missing required argument
  output = "logo.png"
}

image "empty" {
  prompt = "  " # ERROR: Empty prompt
  output = "empty.png"
}
