image "logo" {
  prompt = "a logo"
  output = "logo.gif" # ERROR: Unsupported output format
}

image "upper" {
  prompt = "upper-case extensions are fine"
  output = "logo.PNG"
}

image "webp" {
  prompt = "pixform cannot write WebP, and the service sends PNG"
  output = "logo.webp" # ERROR: Unsupported output format
}

image "jpeg" {
  prompt = "written as JPEG, converted if the service sends PNG"
  output = "logo.jpeg"
}
