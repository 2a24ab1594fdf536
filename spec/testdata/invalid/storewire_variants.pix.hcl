provider "defapi" {}

image "nine" {
  prompt   = "too many"
  output   = "nine.png"
  variants = 9 # ERROR: Invalid variants
}

image "half" {
  prompt   = "not whole"
  output   = "half.png"
  variants = 1.5 # ERROR: Invalid variants
}

image "zero" {
  prompt   = "none"
  output   = "zero.png"
  variants = 0 # ERROR: Invalid variants
}

image "word" {
  prompt   = "a word"
  output   = "word.png"
  variants = "four" # ERROR: Invalid variants
}

image "ok" {
  prompt   = "fine"
  output   = "ok.png"
  variants = "8"
}
