image "logo" {
  prompt = "a logo"
  output = "web/../../logo.png" # ERROR: Output outside the spec directory
}

image "inside" {
  prompt = "dot-dot that stays inside is fine"
  output = "web/../inside.png"
}
