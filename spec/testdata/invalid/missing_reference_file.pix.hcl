image "logo" {
  prompt = "a logo"
  output = "logo.png"
}

image "poster" {
  prompt = "a poster"
  images = [
    "logo.png",
    "refs/missing.png", # ERROR: Reference image not found
    "../outside.png",   # ERROR: Reference image outside the spec directory
    "ftp://example.com/x.png", # ERROR: Unsupported reference URL
  ]
  output = "poster.png"
}
