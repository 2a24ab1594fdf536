image "logo" {
  prompt = file("prompts/missing.txt") # ERROR: Error in function call
  output = "logo.png"
}

image "poster" {
  prompt = nosuchfunc("x") # ERROR: Call to unknown function
  output = "poster.png"
}
