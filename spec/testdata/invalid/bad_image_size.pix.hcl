image "logo" {
  prompt     = "a logo"
  image_size = "8k" # ERROR: Invalid image_size
  output     = "logo.png"
}
