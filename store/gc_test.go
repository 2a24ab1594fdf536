package store

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"
)

func TestGC(t *testing.T) {
	now := t0.Add(30 * 24 * time.Hour)
	// Five images, put i days before now; 0 and 3 are referenced.
	const n = 5
	tests := []struct {
		name      string
		olderThan time.Duration
		removed   []int
	}{
		{"every unreferenced blob", 0, []int{1, 2, 4}},
		{"only those older than two days", 48 * time.Hour, []int{2, 4}},
		{"none younger than a week", 7 * 24 * time.Hour, nil},
	}
	for _, fc := range fsCases {
		for _, tt := range tests {
			t.Run(fc.name+"/"+tt.name, func(t *testing.T) {
				fsys, dir := fc.new(t)
				l := NewLocal(fsys, dir)
				var gens []Generation
				for i := range n {
					gens = append(gens, Generation{Fingerprint: fmt.Sprint("fp", i%2), Addr: fmt.Sprint("image.i", i), Created: t0.Add(time.Duration(i) * time.Hour)})
				}
				gens = addAll(t, l, gens)
				var size int64
				for i, g := range gens {
					age := now.Add(-time.Duration(i)*24*time.Hour - time.Minute)
					must(t, fsys.Chtimes(l.blobPath(g.SHA256[7:]), age, age))
					if slices.Contains(tt.removed, i) {
						size += int64(len(pngOf(t, 8+i, 4+i, seed(i, g.Fingerprint))))
					}
				}
				keep := map[string]bool{gens[0].SHA256: true, gens[3].SHA256: true}
				res, err := l.GC(t.Context(), keep, GCOptions{OlderThan: tt.olderThan, Now: func() time.Time { return now }})
				must(t, err)
				want := GCResult{Removed: len(tt.removed), Freed: size, Kept: n - len(tt.removed), Dropped: len(tt.removed)}
				if res != want {
					t.Errorf("GC: got %+v, want %+v", res, want)
				}
				var left []string
				for i, g := range gens {
					if !slices.Contains(tt.removed, i) {
						left = append(left, g.SHA256)
					}
				}
				for _, reader := range []*Local{l, NewLocal(fsys, dir)} {
					if got := sums(t, reader, Query{}); !cmp.Equal(got, left) {
						t.Errorf("generations after GC: got %v, want %v", got, left)
					}
				}
				for i, g := range gens {
					ok, err := l.Has(t.Context(), g.SHA256)
					must(t, err)
					if ok == slices.Contains(tt.removed, i) {
						t.Errorf("blob %d after GC: Has=%v", i, ok)
					}
					if keep[g.SHA256] && !ok {
						t.Errorf("GC removed referenced blob %d", i)
					}
				}
			})
		}
	}
}

func TestGCNeverRemovesReferenced(t *testing.T) {
	l := NewLocal(afero.NewMemMapFs(), "/s")
	keep := map[string]bool{}
	for i := range 20 {
		b := put(t, l, fmt.Appendf(nil, "image %d", i))
		if i%3 == 0 {
			keep[b.SHA256] = true
		}
	}
	res, err := l.GC(t.Context(), keep, GCOptions{})
	must(t, err)
	blobs, err := l.Blobs(t.Context())
	must(t, err)
	got := map[string]bool{}
	for _, b := range blobs {
		got[b.SHA256] = true
	}
	if !cmp.Equal(got, keep) || res.Removed != 20-len(keep) || res.Kept != len(keep) {
		t.Errorf("GC: got %+v leaving %d blobs, want the %d referenced", res, len(got), len(keep))
	}
	// A second GC has nothing left to do.
	if res, err := l.GC(t.Context(), keep, GCOptions{}); err != nil || res != (GCResult{Kept: len(keep)}) {
		t.Errorf("second GC: got %+v, %v", res, err)
	}
}

func TestGCSweepsLitter(t *testing.T) {
	fsys := afero.NewMemMapFs()
	l := NewLocal(fsys, "/s")
	data := []byte("an image that rots")
	sum := put(t, l, data).SHA256
	corrupt(t, l, sum, func(b []byte) []byte { return b[1:] })
	rc, err := l.Open(t.Context(), sum)
	must(t, err)
	if _, err := io.Copy(io.Discard, rc); KindOf(err) != KindCorrupt { // moves it aside
		t.Fatalf("reading a corrupt blob: got %v", err)
	}
	must(t, rc.Close())
	now := t0
	old, young := now.Add(-2*time.Hour), now.Add(-time.Minute)
	for name, at := range map[string]time.Time{
		"/s/tmp/put-1":                 old,   // a Put killed long ago
		"/s/tmp/put-2":                 young, // a Put under way
		"/s/" + indexFile + ".tmp-123": old,   // a GC killed long ago
	} {
		must(t, afero.WriteFile(fsys, name, []byte("12345"), 0o644))
		must(t, fsys.Chtimes(name, at, at))
	}
	res, err := l.GC(t.Context(), nil, GCOptions{Now: func() time.Time { return now }})
	must(t, err)
	if want := (GCResult{Litter: 3, Freed: int64(len(data) - 1 + 10)}); res != want {
		t.Errorf("GC: got %+v, want %+v", res, want)
	}
	if got := names(t, fsys, "/s"); !cmp.Equal(got, []string{"tmp/put-2"}) {
		t.Errorf("files after GC: got %v, want only the Put under way", got)
	}
}

func TestGCNoStore(t *testing.T) {
	fsys := afero.NewMemMapFs()
	res, err := NewLocal(fsys, "/nowhere").GC(t.Context(), nil, GCOptions{})
	if err != nil || res != (GCResult{}) {
		t.Errorf("GC of no store: got %+v, %v", res, err)
	}
	if ok, _ := afero.Exists(fsys, filepath.FromSlash("/nowhere")); ok {
		t.Errorf("GC of no store created it")
	}
}
