# A small marketing site: a logo, a hero banner and three feature icons.
# Runs on the built-in offline provider (placeholder images, no key, no
# network). To generate real images, replace the provider block with
#   provider "defapi" {}
# and export DEFAPI_API_KEY.

provider "offline" {}

variable "style" {
  description = "The look every image shares."
  type        = string
  default     = "flat vector illustration, pastel palette, soft shadows"
}

locals {
  features = {
    fast   = "a lightning bolt"
    safe   = "a padlock"
    simple = "a single smooth pebble"
  }
}

image "logo" {
  prompt       = "A banana-shaped rocket logo on a plain background, ${var.style}"
  aspect_ratio = "1:1"
  output       = "public/logo.png"
}

image "hero" {
  prompt       = "A wide banner of a rocket launching over a calm sea at dawn, ${var.style}"
  aspect_ratio = "16:9"
  images       = ["refs/palette.png"]
  output       = "public/hero.png"
}

image "feature" {
  for_each     = local.features
  prompt       = "An icon of ${each.value} for the feature \"${each.key}\", ${var.style}"
  aspect_ratio = "1:1"
  output       = "public/features/${each.key}.png"
}

# The hero at the widths the page's srcset lists, in WebP: built from
# public/hero.png on this machine (no credits), again only when it changes.
derive "hero" {
  for_each = { small = 480, medium = 960 }
  source   = image.hero.output
  resize {
    width = each.value
  }
  format  = "webp"
  quality = 80
  output  = "public/hero-${each.key}.webp"
}
