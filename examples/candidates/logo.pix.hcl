# Candidates: generate several images of one prompt and pick the best.
#
#   pixform apply                      # makes 4 candidates of the logo, 2 of the favicon
#   pixform candidates image.logo      # lists them: number, sha256, date, credits, size
#   pixform gallery -serve             # or compare them side by side in a browser
#   pixform pick image.logo 3          # copies candidate 3 to web/logo.png, records
#                                      # pick = "sha256:…" in pixform.lock.hcl
#
# Every candidate is kept in the store (.pixform/store): picking another one
# later, or restoring a deleted output, costs nothing. Raising variants from 4
# to 6 makes 2 more; -replace=image.logo makes 4 new ones to choose from.
# The offline provider draws each candidate in its own colors (no key, no
# network); with provider "defapi" {} each candidate is a paid generation.

provider "offline" {}

variable "style" {
  default = "flat vector, two colors"
}

image "logo" {
  prompt   = "A banana-shaped rocket logo, ${var.style}"
  output   = "web/logo.png"
  variants = 4
}

image "favicon" {
  prompt       = "A tiny banana-shaped rocket, ${var.style}, on a plain background"
  aspect_ratio = "1:1"
  output       = "web/favicon.png"
  variants     = 2
}
