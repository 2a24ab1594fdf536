# A sprite set for a small platformer: one sprite per hero, a poster that
# shows them together, a row of ground tiles and a title screen.
# Runs on the built-in offline provider (placeholder images, no key, no
# network). To generate real images, replace the provider block with
#   provider "defapi" {}
# and export DEFAPI_API_KEY.
#
#   pixform plan -var-file=game.pixvars.hcl
#   pixform apply -var-file=game.pixvars.hcl

provider "offline" {}

variable "style" {
  description = "The look every image shares."
  type        = string
  default     = "16-bit pixel art, limited palette, crisp outlines"
}

variable "heroes" {
  description = "The playable heroes: name => how they look."
  type        = map(string)
  default = {
    knight = "a knight in dented silver armour with a round shield"
    wizard = "a wizard in a starry blue robe holding a crooked staff"
  }

  validation {
    condition     = length(var.heroes) >= 1 && length(var.heroes) <= 4
    error_message = "Give 1 to 4 heroes: the poster takes every hero sprite as a reference image, and the API accepts at most 4."
  }
}

variable "tiles" {
  description = "How many ground tiles the level row has."
  type        = number
  default     = 3

  validation {
    condition     = var.tiles >= 1 && var.tiles <= 8
    error_message = "The level row has 1 to 8 tiles."
  }
}

# One sprite per hero: image.hero["knight"], image.hero["wizard"], ...
image "hero" {
  for_each     = var.heroes
  prompt       = "Full-body sprite of ${each.value}, facing right, ${var.style}"
  aspect_ratio = "2:3"
  images       = ["refs/palette.png"]
  output       = "sprites/heroes/${each.key}.png"
}

# The heroes together: referencing their outputs orders the poster after
# them, and regenerates it when one of them changes.
image "poster" {
  prompt       = "The heroes ${join(", ", keys(var.heroes))} together on a castle wall at dusk, ${var.style}"
  aspect_ratio = "3:4"
  images       = [for name in keys(var.heroes) : image.hero[name].output]
  output       = "marketing/poster.png"
}

# The store banner is cut from the poster: a chain of three.
image "banner" {
  prompt       = "A wide store banner built from this poster, with room for the title on the left, ${var.style}"
  aspect_ratio = "21:9"
  images       = [image.poster.output]
  output       = "marketing/banner.png"
}

# A row of ground tiles: image.tile[0], image.tile[1], ...
image "tile" {
  count        = var.tiles
  prompt       = "Seamless ground tile ${count.index + 1} of ${var.tiles}: grass over brown earth, ${var.style}"
  aspect_ratio = "1:1"
  output       = "sprites/tiles/tile_${count.index}.png"
}

# The title screen was picked by hand: fixing a typo in its prompt must not
# pay for (and lose) it again.
image "title" {
  prompt       = "Title screen of a pixel-art platformer called Banana Quest, ${var.style}"
  aspect_ratio = "16:9"
  output       = "screens/title.png"

  lifecycle {
    ignore_changes = [prompt]
  }
}
