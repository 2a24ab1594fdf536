package executor_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider"
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

// jpegService answers every task with one JPEG result, as a data URI.
type jpegService struct{ data []byte }

func (s jpegService) Kind() string { return "defapi" }
func (s jpegService) Submit(context.Context, provider.Request) (string, error) {
	return "ta-jpeg", nil
}
func (s jpegService) Query(_ context.Context, id string) (provider.Task, error) {
	return provider.Task{ID: id, Status: provider.StatusSuccess, Images: []string{provider.DataURI("image/jpeg", s.data)}}, nil
}
func (s jpegService) Download(_ context.Context, ref string, w io.Writer, max int64) (int64, error) {
	return provider.CopyDataURI(ref, w, max)
}

// TestOutputInFormatOfExtension: an output is written in the format its
// extension names, whatever the service sent, and the state records the
// hash of what was written.
func TestOutputInFormatOfExtension(t *testing.T) {
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewRGBA(image.Rect(0, 0, 4, 4)), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		output string
		prov   func(t *testing.T) provider.Provider
		want   string
	}{
		{"png result to .jpg", "out/a.jpg", func(t *testing.T) provider.Provider { _, c := newFake(t, fakeapi.Options{}); return c }, "jpeg"},
		{"png result to .JPEG", "out/a.JPEG", func(t *testing.T) provider.Provider { _, c := newFake(t, fakeapi.Options{}); return c }, "jpeg"},
		{"jpeg result to .png", "out/a.png", func(*testing.T) provider.Provider { return jpegService{jpg.Bytes()} }, "png"},
		{"jpeg result to .jpg, kept as it came", "out/a.jpg", func(*testing.T) provider.Provider { return jpegService{jpg.Bytes()} }, "jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newMemWorld(t)
			a := img("defapi", "a", "a photo")
			a.Output = tt.output
			sum, _ := w.apply(context.Background(), w.plan([]*spec.Asset{a}), tt.prov(t), executor.Options{})
			if sum.Generated != 1 {
				t.Fatalf("summary %+v, want the image generated", sum)
			}
			data := w.read(a.Output)
			_, format, err := image.DecodeConfig(bytes.NewReader(data))
			if err != nil || format != tt.want {
				t.Errorf("%s holds %q (%v), want %s", a.Output, format, err, tt.want)
			}
			if rec := w.store.State().Assets[a.Addr]; rec == nil || rec.SHA256 != sha(data) {
				t.Errorf("state records %+v, want the sha256 of the written file %s", rec, sha(data))
			}
			if tt.name == "jpeg result to .jpg, kept as it came" && !bytes.Equal(data, jpg.Bytes()) {
				t.Error("a result already in the output's format was re-encoded")
			}
			if stray := w.strayTemps(); len(stray) != 0 {
				t.Errorf("temp files left: %v", stray)
			}
		})
	}
}
