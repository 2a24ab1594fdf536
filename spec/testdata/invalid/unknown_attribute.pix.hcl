image "logo" {
  prompt  = "a logo"
  output  = "logo.png"
  quality = "high" # ERROR: Unsupported argument
}

widget "x" { # ERROR: Unsupported block type
}

image "sized" {
  prompt = "a logo"
  output = "sized.png"
  lifecycle {
    ignore_changes = [output] # ERROR: Invalid ignore_changes entry
  }
}
