variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}

image "c" {
  for_each = toset([var.secret]) # ERROR: Invalid for_each argument
  prompt   = "c ${each.key}"
  output   = "${each.key}.png"
}

image "d" {
  prompt = "d"
  output = "d-${var.secret}.png" # ERROR: Sensitive value in output
}
