variable "style" { # ERROR: No value for required variable
  description = "the art style"
}

image "logo" {
  prompt = "a logo, ${var.style}"
  output = "logo.png"
}
