image "a" {
  prompt = "first"
  output = "web/logo.png"
}

image "b" {
  prompt = "second"
  output = "web/./logo.png" # ERROR: Duplicate output path
}

image "c" {
  prompt = "third, differing only in case"
  output = "web/Logo.png" # ERROR: Duplicate output path
}

image "row" {
  count  = 2
  prompt = "row"
  output = "row.png" # ERROR: Duplicate output path
}
