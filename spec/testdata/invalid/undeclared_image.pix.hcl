image "logo" {
  prompt = "a logo"
  output = "logo.png"
}

image "poster" {
  prompt     = "a poster"
  images     = [image.logoo.output] # ERROR: Reference to undeclared image
  output     = "poster.png"
  depends_on = [image.nope] # ERROR: Reference to undeclared image
}

image "strings" {
  prompt     = "a poster"
  output     = "strings.png"
  depends_on = ["image.logo"] # ERROR: Invalid depends_on reference
}

image "keyed" {
  prompt     = "a poster"
  output     = "keyed.png"
  depends_on = [image.logo["x"]] # ERROR: Reference to undeclared image instance
}
