provider "defapi" {
  base_url = "https://api.defapi.org"
  api_key  = "dk-1234567890abcdef" # ERROR: API key in a spec file
}

image "logo" {
  prompt = "a logo"
  output = "logo.png"
}
