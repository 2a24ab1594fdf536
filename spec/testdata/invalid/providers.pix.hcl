provider "defapi" {
  retry_for      = "ninety seconds" # ERROR: Invalid retry_for
  rate_limit     = -1 # ERROR: Invalid rate_limit
  retry_attempts = 2.5 # ERROR: Invalid retry_attempts
  base_url       = "ftp://example.com" # ERROR: Invalid base_url
}

provider "offline" {}

provider "offline" {} # ERROR: Duplicate provider block

image "unchosen" { # ERROR: No provider chosen
  prompt = "which provider?"
  output = "unchosen.png"
}

image "undeclared" {
  provider = "openai" # ERROR: Undeclared provider
  prompt   = "which provider?"
  output   = "undeclared.png"
}

image "chosen" {
  provider = "offline"
  prompt   = "fine"
  output   = "chosen.png"
}
