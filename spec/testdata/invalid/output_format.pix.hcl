image "logo" {
  prompt = "a logo"
  output = "logo.gif" # ERROR: Unsupported output format
}

image "upper" {
  prompt = "upper-case extensions are fine"
  output = "logo.PNG"
}
