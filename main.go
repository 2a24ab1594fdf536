package main

import (
	"os"

	"github.com/pixform/pixform/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
