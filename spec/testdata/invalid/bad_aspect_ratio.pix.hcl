image "logo" {
  prompt       = "a logo"
  aspect_ratio = "16x9" # ERROR: Invalid aspect_ratio
  output       = "logo.png"
}
