// Command pixform declares AI-generated images in HCL, plans what must be
// (re)generated, and applies it. See README.md.
package main

import (
	"os"

	"github.com/pixform/pixform/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
