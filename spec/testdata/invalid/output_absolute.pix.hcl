image "logo" {
  prompt = "a logo"
  output = "/tmp/logo.png" # ERROR: Absolute output path
}

image "windows" {
  prompt = "a logo"
  output = "C:/logo.png" # ERROR: Absolute output path
}
