locals {
  refs = [for i in range(5) : "https://example.com/ref${i}.png"]
}

image "a" {
  prompt = "five literal references"
  images = [
    "https://example.com/1.png",
    "https://example.com/2.png",
    "https://example.com/3.png",
    "https://example.com/4.png",
    "https://example.com/5.png", # ERROR: Too many reference images
  ]
  output = "a.png"
}

image "b" {
  prompt = "five references after expansion"
  images = local.refs # ERROR: Too many reference images
  output = "b.png"
}

image "c" {
  prompt = "four is fine"
  images = slice(local.refs, 0, 4)
  output = "c.png"
}
