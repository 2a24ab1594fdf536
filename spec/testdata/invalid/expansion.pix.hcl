image "list" {
  for_each = ["a", "b"] # ERROR: Invalid for_each argument
  prompt   = each.key
  output   = "${each.key}.png"
}

image "numbers" {
  for_each = toset([1, 2]) # ERROR: Invalid for_each argument
  prompt   = each.key
  output   = "n${each.key}.png"
}

image "negative" {
  count  = -1 # ERROR: Invalid count argument
  prompt = "x"
  output = "neg${count.index}.png"
}

image "fraction" {
  count  = 1.5 # ERROR: Invalid count argument
  prompt = "x${each.key}" # ERROR: Reference to "each" in context without for_each
  output = "frac${count.index}.png"
}

image "self_ref" {
  for_each = toset([each.key]) # ERROR: Reference to "each" in context without for_each
  prompt   = "x"
  output   = "self_ref.png"
}
