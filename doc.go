// Command pixform is Terraform for AI-generated images: it plans and
// applies the images declared in *.pix.hcl files. main only wires the
// process (signals, arguments, exit code) to internal/cli, where the
// commands live; see README.md for the commands and DESIGN's layout.
package main
