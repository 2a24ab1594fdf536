provider "offline" {}

image "logo" {
  prompt = "a logo"
  output = "logo.png"
  check {
    aspect_ratio = "wide" # ERROR: Invalid aspect_ratio
  }
  check { # ERROR: Duplicate check block
    width = 3
  }
}

derive "small" {
  source = image.logo.output
  check {
    width = "x" # ERROR: Incorrect attribute value type
    color = 3 # ERROR: Unsupported argument
  }
  output = "small.png"
}
