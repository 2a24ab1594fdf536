variable "count" {
  type    = number
  default = 12 # ERROR: Invalid value for variable
  validation {
    condition     = var.count <= 10
    error_message = "At most 10."
  }
}

variable "style" {
  type    = string
  default = "ok"
  validation {
    condition     = length(var.style) > 0
    error_message = "Must not be empty."
  }
}

variable "typed" {
  type    = number
  default = "not a number" # ERROR: Invalid value for variable
}

image "logo" {
  prompt = "a logo, ${var.style}"
  output = "logo.png"
}
