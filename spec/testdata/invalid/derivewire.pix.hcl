provider "offline" {}

image "logo" {
  prompt = "a logo"
  output = "logo.png"
}

derive "no_source" {
  source = "refs/other.png" # ERROR: Derive source is not an output
  output = "a.webp"
}

derive "outside" {
  source = image.logo.output
  output = "../a.webp" # ERROR: Output outside the spec directory
}

derive "same_output" {
  source = image.logo.output
  output = "logo.png" # ERROR: Duplicate output path
}

derive "bad_ext" {
  source = image.logo.output
  output = "logo.gif" # ERROR: Unknown derive format
}

derive "mismatch" {
  source = image.logo.output
  format = "webp"
  output = "logo-m.png" # ERROR: Output extension does not match format
}

derive "undeclared" {
  source = derive.nothere.output # ERROR: Reference to undeclared derive
  output = "u.png"
}

derive "width_string" {
  source = image.logo.output
  resize {
    width = "640" # ERROR: Incorrect attribute value type
  }
  output = "w.png"
}

derive "unknown_arg" {
  source = image.logo.output
  resize {
    size = 3 # ERROR: Unsupported argument
  }
  output = "x.png"
}

image "uses_derive" {
  prompt = "x"
  images = [derive.ok.output] # ERROR: Invalid reference
  output = "y.png"
}

derive "ok" {
  source = image.logo.output
  output = "ok.png"
}
