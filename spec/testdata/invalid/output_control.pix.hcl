image "logo" {
  prompt = "a logo"
  output = "logo\n.png" # ERROR: Control character in output path
}

image "tab" {
  prompt = "a logo"
  images = ["refs/a\tb.png"] # ERROR: Control character in reference path
  output = "tab.png"
}
