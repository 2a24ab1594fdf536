variable "style" {
  default = "a"
}

variable "style" { # ERROR: Duplicate variable declaration
  default = "b"
}

locals {
  x = 1
}

locals {
  x = 2 # ERROR: Duplicate local value
}

image "logo" {
  prompt = "a logo"
  output = "logo.png"
  lifecycle {}
  lifecycle {} # ERROR: Duplicate lifecycle block
}
