# Values for the variables of game.pix.hcl:
#   pixform plan -var-file=game.pixvars.hcl
style = "16-bit pixel art, warm sunset palette, crisp outlines"

heroes = {
  knight = "a knight in dented silver armour with a round shield"
  wizard = "a wizard in a starry blue robe holding a crooked staff"
  rogue  = "a hooded rogue with twin daggers and a grin"
}

tiles = 4
