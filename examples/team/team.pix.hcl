# A team's sprite set whose state, lock and records live in PostgreSQL,
# shared by every teammate and CI runner (see the README, "The pg
# backend"). The connection string is never written here: export
#   PIXFORM_PG_CONN=postgres://applier:PASSWORD@db.example.com/art
# and choose a workspace with -workspace=NAME or PIXFORM_WORKSPACE
# (default "default"). Runs on the built-in offline provider; replace it
# with provider "defapi" {} and export DEFAPI_API_KEY for real images.

pixform {
  backend "pg" {
    schema = "pixform_team"
  }
}

provider "offline" {}

locals {
  heroes = ["knight", "wizard", "rogue"]
}

image "hero" {
  for_each = toset(local.heroes)
  prompt   = "Full-body ${each.key} sprite, 16-bit pixel art, transparent background"
  output   = "sprites/${each.key}.png"
}

image "party" {
  prompt = "The three heroes together at a campfire, 16-bit pixel art"
  images = [for h in local.heroes : image.hero[h].output]
  output = "sprites/party.png"
}
