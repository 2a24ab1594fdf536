image "a" {
  prompt = "like ${image.b.prompt}" # ERROR: Dependency cycle
  output = "a.png"
}

image "b" {
  prompt = "like a"
  images = [image.c.output]
  output = "b.png"
}

image "c" {
  prompt = "like a"
  images = [image.a.output]
  output = "c.png"
}

image "self" {
  prompt     = "itself"
  output     = "self.png"
  depends_on = [image.self] # ERROR: Dependency cycle
}

locals {
  x = local.y # ERROR: Dependency cycle
  y = local.x
}

image "after" {
  prompt = "downstream of a cycle: no further error"
  images = [image.a.output]
  output = "after.png"
}

image "lit_a" {
  prompt = "the cycle is only in the paths"
  images = ["lit_b.png"] # ERROR: Dependency cycle
  output = "lit_a.png"
}

image "lit_b" {
  prompt = "the cycle is only in the paths"
  images = ["lit_a.png"]
  output = "lit_b.png"
}
