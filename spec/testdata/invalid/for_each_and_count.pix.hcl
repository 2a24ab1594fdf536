image "hero" {
  count    = 2
  for_each = toset(["a", "b"]) # ERROR: Invalid combination of "count" and "for_each"
  prompt   = "hero"
  output   = "hero.png"
}
