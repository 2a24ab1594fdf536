image "logo" {
  prompt = "café au lait" # ERROR: Invalid UTF-8
  output = "logo.png"
}
