# env() does not read the provider's key.
image "logo" {
  prompt = "a logo ${env("DEFAPI_API_KEY")}" # ERROR: Secret environment variable
  output = "logo.png"
}

locals {
  conn = env("pixform_pg_conn") # ERROR: Secret environment variable
}
