pixform {
  backend "pg" {
    schema   = "Team Images"             # ERROR: Invalid schema name
    flavour  = "x"                        # ERROR: Unsupported argument
  }
  backend "pg" { # ERROR: Duplicate backend block
  }
}

pixform { # ERROR: Duplicate pixform block
  backend "s3" { # ERROR: Unsupported backend
  }
}

image "logo" {
  prompt = "a logo"
  output = "logo.png"
}
