package executor_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/spec"
)

// pngOf is a small, valid PNG.
func pngOf(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestNoSubmitThroughSwappedLinks: a saved plan applied after an output
// directory or a reference file was swapped for a symbolic link leading
// outside the spec directory submits nothing, so nothing is paid and no
// file from elsewhere is sent.
func TestNoSubmitThroughSwappedLinks(t *testing.T) {
	for _, swap := range []string{"out", "refs/p.png"} {
		t.Run(swap, func(t *testing.T) {
			w := newWorld(t)
			outside := t.TempDir()
			w.write("refs/p.png", pngOf(t))
			w.write("out/keep", nil)
			a := img("defapi", "a", "first")
			a.Refs = []spec.Ref{{Kind: spec.RefFile, Value: "refs/p.png"}}
			p := w.plan([]*spec.Asset{a})

			target := outside
			if swap == "refs/p.png" {
				target = filepath.Join(outside, "private.png")
				if err := os.WriteFile(target, pngOf(t), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.RemoveAll(w.path(swap)); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, w.path(swap)); err != nil {
				t.Fatal(err)
			}
			srv, client := newFake(t, fakeapi.Options{})
			sum, _ := w.apply(context.Background(), p, client, executor.Options{})
			if n := len(srv.Submissions()); n != 0 {
				t.Errorf("%d submissions, want none", n)
			}
			if sum.Failed != 1 || len(sum.Failures) != 1 || !strings.Contains(sum.Failures[0].Err.Error(), "symbolic link") {
				t.Fatalf("got %+v, want the image refused for the symbolic link", sum)
			}
		})
	}
}
