pixform {
  backend "pg" {
    schema   = "Team Images"             # ERROR: Invalid schema name
    conn     = "postgres://u:secret@db/x" # ERROR: Connection settings in a spec file
    password = "secret"                   # ERROR: Connection settings in a spec file
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
