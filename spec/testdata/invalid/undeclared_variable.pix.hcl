variable "style" {
  default = "flat"
}

locals {
  mood  = "${var.mod}"    # ERROR: Reference to undeclared input variable
  mood2 = "${local.nope}" # ERROR: Reference to undeclared local value
}

image "logo" {
  prompt = "a logo, ${var.styel}" # ERROR: Reference to undeclared input variable
  output = "logo-${each.key}.png" # ERROR: Reference to "each" in context without for_each
}

image "other" {
  prompt = "${foo}" # ERROR: Unknown variable
  output = "other.png"
}
