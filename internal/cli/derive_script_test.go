package cli_test

import (
	"fmt"
	"os"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pixform/pixform/derive"
)

// cmdImageSize asserts that a file decodes (PNG, JPEG or WebP, by the
// derive package's decoders) to the given size: imagesize FILE WxH.
func cmdImageSize(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: imagesize FILE WxH")
	}
	f, err := os.Open(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	m, err := derive.Decode(f)
	ts.Check(err)
	got := fmt.Sprintf("%dx%d", m.Rect.Dx(), m.Rect.Dy())
	if (got == args[1]) == neg {
		ts.Fatalf("%s: size %s, want %s%s", args[0], got, map[bool]string{true: "not "}[neg], args[1])
	}
}
