package store

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"
)

// corruptions damage a blob's file in ways a disk or a hand edit would.
var corruptions = []struct {
	name   string
	damage func([]byte) []byte
}{
	{"a flipped byte", func(b []byte) []byte { c := bytes.Clone(b); c[len(c)/2] ^= 0x20; return c }},
	{"truncated", func(b []byte) []byte { return b[:len(b)-10] }},
	{"grown", func(b []byte) []byte { return append(bytes.Clone(b), "trailing"...) }},
	{"emptied", func([]byte) []byte { return nil }},
}

func corrupt(t testing.TB, l *Local, sum string, damage func([]byte) []byte) {
	t.Helper()
	h := sum[len("sha256:"):]
	p := l.blobPath(h)
	data, err := afero.ReadFile(l.fs, p)
	must(t, err)
	must(t, l.fs.Chmod(p, 0o644))
	must(t, afero.WriteFile(l.fs, p, damage(data), 0o644))
}

func TestCorruptBlob(t *testing.T) {
	for _, fc := range fsCases {
		for _, c := range corruptions {
			t.Run(fc.name+"/"+c.name, func(t *testing.T) {
				fsys, dir := fc.new(t)
				l := NewLocal(fsys, dir)
				data := pngOf(t, 40, 40, 3)
				sum := put(t, l, data).SHA256
				corrupt(t, l, sum, c.damage)

				// An output already there stays as it was.
				out := filepath.Join(filepath.Dir(dir), "out.png")
				must(t, afero.WriteFile(fsys, out, []byte("the user's file"), 0o644))
				err := l.CopyTo(t.Context(), sum, fsys, out)
				if KindOf(err) != KindCorrupt || !strings.Contains(err.Error(), sum) {
					t.Errorf("CopyTo of a corrupt blob: got %v, want kind corrupt naming %s", err, sum)
				}
				if got, _ := afero.ReadFile(fsys, out); string(got) != "the user's file" {
					t.Errorf("CopyTo of a corrupt blob changed the output: %q", got)
				}
				if left := names(t, fsys, filepath.Dir(out)); !cmp.Equal(left, []string{"out.png"}) && !onlyStore(left) {
					t.Errorf("files beside the output: %v", left)
				}
				// Reported once, then missing.
				if ok, err := l.Has(t.Context(), sum); ok || err != nil {
					t.Errorf("Has after corruption found: got %v, %v, want false", ok, err)
				}
				if _, err := l.Open(t.Context(), sum); KindOf(err) != KindMissing {
					t.Errorf("Open after corruption found: got %v, want kind missing", err)
				}
				// Putting the image again heals the store.
				if b := put(t, l, data); !b.New {
					t.Errorf("Put after corruption: got new=false, want the blob written again")
				}
				readBack(t, l, sum, data)
			})
		}
	}
}

// onlyStore reports whether the files beside an output are the output and
// the store's.
func onlyStore(files []string) bool {
	for _, f := range files {
		if f != "out.png" && !strings.HasPrefix(f, "store/") {
			return false
		}
	}
	return true
}

func readBack(t testing.TB, l *Local, sum string, want []byte) {
	t.Helper()
	rc, err := l.Open(t.Context(), sum)
	must(t, err)
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("read back %s: got %d bytes, %v, want %d bytes", sum, len(got), err, len(want))
	}
}

func TestOpenReportsCorruptAtEOF(t *testing.T) {
	l := NewLocal(afero.NewMemMapFs(), "/s")
	data := bytes.Repeat([]byte{1, 2, 3}, 100_000)
	sum := put(t, l, data).SHA256
	corrupt(t, l, sum, corruptions[0].damage)
	rc, err := l.Open(t.Context(), sum)
	must(t, err)
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	var se *Error
	if !errors.As(err, &se) || se.Kind != KindCorrupt || se.SHA256 != sum {
		t.Fatalf("reading a corrupt blob: got %v, want an *Error of kind corrupt naming %s", err, sum)
	}
	if n != int64(len(data)) {
		t.Errorf("read %d bytes before the error, want all %d", n, len(data))
	}
	if got := names(t, l.fs, "/s/"+corruptDir); len(got) != 1 {
		t.Errorf("corrupt blobs moved aside: got %v, want one", got)
	}
}

// A blob whose size does not match what a Put of its digest brings is
// corrupt even before a read finds it so: the Put replaces it.
func TestPutReplacesBlobOfWrongSize(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fsys, dir := fc.new(t)
			l := NewLocal(fsys, dir)
			data := pngOf(t, 30, 30, 5)
			sum := put(t, l, data).SHA256
			corrupt(t, l, sum, corruptions[1].damage) // truncated
			if b := put(t, l, data); !b.New {
				t.Errorf("Put over a truncated blob: got new=false, want it written again")
			}
			readBack(t, l, sum, data)
			if got := names(t, fsys, filepath.Join(dir, corruptDir)); len(got) != 1 {
				t.Errorf("blobs moved aside: got %v, want the truncated one", got)
			}
		})
	}
}
