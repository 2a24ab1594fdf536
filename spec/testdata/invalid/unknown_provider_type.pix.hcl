provider "openai" {} # ERROR: Unknown provider type

image "logo" {
  prompt = "a logo"
  output = "logo.png"
}
