# File functions read only inside the spec directory.
locals {
  passwd = file("/etc/passwd")                  # ERROR: File outside the spec directory
  host   = templatefile("/etc/hostname", {})    # ERROR: File outside the spec directory
  up     = file("../x/v.json")                  # ERROR: File outside the spec directory
  listed = fileset("/etc", "*")                 # ERROR: File outside the spec directory
  parent = fileset("..", "*")                   # ERROR: File outside the spec directory
  sum    = filesha256("../secret.bin")          # ERROR: File outside the spec directory
  md5sum = filemd5("/etc/passwd")               # ERROR: File outside the spec directory
  seen   = fileexists("/etc/passwd")            # ERROR: File outside the spec directory
  back   = file("C:/Windows/win.ini")           # ERROR: File outside the spec directory
}

image "logo" {
  prompt = "a logo ${file("a/../../etc/passwd")}" # ERROR: File outside the spec directory
  output = "logo.png"
}
