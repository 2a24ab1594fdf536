package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"
)

func TestDir(t *testing.T) {
	spec := filepath.FromSlash("/home/ana/game")
	tests := []struct {
		env  string
		want string
	}{
		{"", "/home/ana/game/.pixform/store"},
		{"/srv/pixform-store", "/srv/pixform-store"},
		{"/srv/pixform-store/../shared/", "/srv/shared"},
		{"../shared-store", "/home/ana/shared-store"},
		{"store", "/home/ana/game/store"},
	}
	for _, tt := range tests {
		getenv := func(k string) string {
			if k != EnvVar {
				t.Errorf("Dir read %s, want only %s", k, EnvVar)
			}
			return tt.env
		}
		if got := Dir(spec, getenv); got != filepath.FromSlash(tt.want) {
			t.Errorf("Dir with %s=%q: got %s, want %s", EnvVar, tt.env, got, tt.want)
		}
	}
}

func TestPutOpen(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fsys, dir := fc.new(t)
			l := NewLocal(fsys, dir)
			data := pngOf(t, 64, 32, 7)
			b := put(t, l, data)
			if b.SHA256 != sumOf(data) || b.Size != int64(len(data)) || !b.New {
				t.Errorf("Put: got %+v, want sha %s, size %d, new", b, sumOf(data), len(data))
			}
			h := b.SHA256[len("sha256:"):]
			fi, err := fsys.Stat(filepath.Join(dir, "blobs", h[:2], h))
			must(t, err)
			if fi.Mode().Perm() != blobPerm {
				t.Errorf("blob mode: got %v, want %v", fi.Mode().Perm(), os.FileMode(blobPerm))
			}
			if ok, err := l.Has(t.Context(), b.SHA256); !ok || err != nil {
				t.Errorf("Has: got %v, %v, want true", ok, err)
			}
			rc, err := l.Open(t.Context(), b.SHA256)
			must(t, err)
			got, err := io.ReadAll(rc)
			must(t, err)
			must(t, rc.Close())
			if !bytes.Equal(got, data) {
				t.Errorf("Open read %d bytes that differ from the %d put", len(got), len(data))
			}
			if left := names(t, fsys, filepath.Join(dir, tmpDir)); len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

func TestMissingAndBadDigests(t *testing.T) {
	l := NewLocal(afero.NewMemMapFs(), "/s")
	absent := sumOf([]byte("never put"))
	if ok, err := l.Has(t.Context(), absent); ok || err != nil {
		t.Errorf("Has of an absent blob: got %v, %v, want false, nil", ok, err)
	}
	if _, err := l.Open(t.Context(), absent); KindOf(err) != KindMissing || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of an absent blob: got %v (kind %v), want kind missing", err, KindOf(err))
	}
	if err := l.CopyTo(t.Context(), absent, l.fs, "/spec/out.png"); KindOf(err) != KindMissing {
		t.Errorf("CopyTo of an absent blob: got %v, want kind missing", err)
	}
	for _, bad := range []string{"", "abc", "sha256:../../etc/passwd", "sha256:" + strings.Repeat("A", 64), "md5:" + strings.Repeat("a", 64)} {
		if _, err := l.Open(t.Context(), bad); err == nil || !strings.Contains(err.Error(), "not a sha256 digest") {
			t.Errorf("Open(%q): got %v, want a refusal", bad, err)
		}
		if _, err := l.Has(t.Context(), bad); err == nil {
			t.Errorf("Has(%q): got no error", bad)
		}
	}
}

// A generation is stored once: putting the same image again writes no
// second copy, and recording it again adds no second index line.
func TestStoredOnce(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fsys, dir := fc.new(t)
			l := NewLocal(fsys, dir)
			data := pngOf(t, 16, 16, 1)
			first := put(t, l, data)
			again := put(t, l, data)
			if !first.New || again.New || again.SHA256 != first.SHA256 {
				t.Errorf("Put twice: got new=%v then new=%v, want true then false", first.New, again.New)
			}
			g := Generation{SHA256: first.SHA256, Fingerprint: "fp1", Addr: "image.logo", TaskID: "task-1", Created: t0}
			for i, want := range []bool{true, false} {
				added, err := l.Add(t.Context(), g)
				if err != nil || added != want {
					t.Errorf("Add #%d: got %v, %v, want %v", i+1, added, err, want)
				}
			}
			if got := names(t, fsys, filepath.Join(dir, blobsDir)); len(got) != 1 {
				t.Errorf("blobs: got %v, want one", got)
			}
			idx, err := afero.ReadFile(fsys, filepath.Join(dir, indexFile))
			must(t, err)
			if n := bytes.Count(idx, []byte("\n")); n != 2 {
				t.Errorf("index has %d lines, want a header and one generation:\n%s", n, idx)
			}
		})
	}
}

func TestConcurrentPutsStoreOneBlob(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fsys, dir := fc.new(t)
			l := NewLocal(fsys, dir)
			data := bytes.Repeat([]byte("the same image "), 50_000)
			const n = 12
			blobs := make([]Blob, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { blobs[i], errs[i] = l.Put(context.Background(), bytes.NewReader(data)) })
			}
			wg.Wait()
			written := 0
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("Put #%d: %v", i, errs[i])
				}
				if blobs[i].SHA256 != sumOf(data) {
					t.Errorf("Put #%d: got %s, want %s", i, blobs[i].SHA256, sumOf(data))
				}
				if blobs[i].New {
					written++
				}
			}
			if written != 1 {
				t.Errorf("%d Puts wrote the blob, want 1", written)
			}
			if got := names(t, fsys, filepath.Join(dir, blobsDir)); len(got) != 1 {
				t.Errorf("blobs: got %v, want one", got)
			}
			if got := names(t, fsys, filepath.Join(dir, tmpDir)); len(got) != 0 {
				t.Errorf("temporary files left: %v", got)
			}
		})
	}
}

func TestCopyTo(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fsys, dir := fc.new(t)
			l := NewLocal(fsys, dir)
			data := pngOf(t, 20, 10, 9)
			sum := put(t, l, data).SHA256
			out := filepath.Join(filepath.Dir(dir), "web", "logo.png")
			must(t, fsys.MkdirAll(filepath.Dir(out), 0o755))
			must(t, afero.WriteFile(fsys, out, []byte("old"), 0o644))
			must(t, l.CopyTo(t.Context(), sum, fsys, out))
			got, err := afero.ReadFile(fsys, out)
			must(t, err)
			if !bytes.Equal(got, data) {
				t.Fatalf("output: got %d bytes, want the blob's %d", len(got), len(data))
			}
			fi, err := fsys.Stat(out)
			must(t, err)
			if fi.Mode().Perm() != filePerm {
				t.Errorf("output mode: got %v, want %v", fi.Mode().Perm(), os.FileMode(filePerm))
			}
			if left := names(t, fsys, filepath.Dir(out)); !cmp.Equal(left, []string{"logo.png"}) {
				t.Errorf("files beside the output: %v", left)
			}
			// A hand edit of the output leaves the store as it was.
			f, err := fsys.OpenFile(out, os.O_WRONLY, 0)
			must(t, err)
			_, err = f.WriteAt([]byte("edited by hand"), 0)
			must(t, err)
			must(t, f.Close())
			readBack(t, l, sum, data)
			if fc.name == "os" {
				bfi, err := os.Stat(l.blobPath(sum[len("sha256:"):]))
				must(t, err)
				ofi, err := os.Stat(out)
				must(t, err)
				if os.SameFile(bfi, ofi) {
					t.Errorf("the output is a link to the blob")
				}
			}
		})
	}
}

func TestPutFullDisk(t *testing.T) {
	data := bytes.Repeat([]byte("pixels"), 100_000)
	tests := []struct {
		name string
		fs   func(afero.Fs) afero.Fs
	}{
		{"write fails midway", func(fs afero.Fs) afero.Fs { return &fullFs{Fs: fs, room: 300_000} }},
		{"nothing fits", func(fs afero.Fs) afero.Fs { return &fullFs{Fs: fs, room: 0} }},
		{"fsync fails", func(fs afero.Fs) afero.Fs { return &fullFs{Fs: fs, room: 1 << 30, syncFails: true} }},
	}
	for _, fc := range fsCases {
		for _, tt := range tests {
			t.Run(fc.name+"/"+tt.name, func(t *testing.T) {
				base, dir := fc.new(t)
				l := NewLocal(tt.fs(base), dir)
				_, err := l.Put(t.Context(), bytes.NewReader(data))
				if KindOf(err) != KindFull || !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("Put on a full disk: got %v (kind %v), want kind full wrapping ENOSPC", err, KindOf(err))
				}
				if left := names(t, base, dir); len(left) != 0 {
					t.Errorf("files left by a failed Put: %v", left)
				}
				if ok, _ := l.Has(t.Context(), sumOf(data)); ok {
					t.Errorf("Has after a failed Put: got true")
				}
			})
		}
	}
}

func TestPutCancelled(t *testing.T) {
	l := NewLocal(afero.NewMemMapFs(), "/s")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := l.Put(ctx, strings.NewReader("image")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context: got %v, want context.Canceled", err)
	}
	if left := names(t, l.fs, "/s"); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		fs    func() afero.Fs
		index string // written before the check, if any
		kind  Kind
		want  string // in the error; "" for none
	}{
		{name: "a fresh store", fs: afero.NewMemMapFs},
		{name: "read-only", fs: func() afero.Fs { return afero.NewReadOnlyFs(afero.NewMemMapFs()) }, kind: KindUnwritable, want: "cannot be written"},
		{name: "full", fs: func() afero.Fs { return &fullFs{Fs: afero.NewMemMapFs()} }, kind: KindFull, want: "no space left"},
		{name: "an index of a newer pixform", fs: afero.NewMemMapFs, index: `{"version":2,"lineage":"x"}` + "\n", want: "upgrade pixform"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := tt.fs()
			if tt.index != "" {
				must(t, afero.WriteFile(fsys, "/s/"+indexFile, []byte(tt.index), 0o644))
			}
			err := NewLocal(fsys, "/s").Check(t.Context())
			if tt.want == "" {
				if err != nil {
					t.Errorf("Check: %v", err)
				}
				return
			}
			if err == nil || KindOf(err) != tt.kind || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check: got %v (kind %v), want kind %v saying %q", err, KindOf(err), tt.kind, tt.want)
			}
		})
	}
	t.Run("no litter", func(t *testing.T) {
		fsys := afero.NewMemMapFs()
		must(t, NewLocal(fsys, "/s").Check(t.Context()))
		if left := names(t, fsys, "/s"); len(left) != 0 {
			t.Errorf("Check left %v", left)
		}
	})
}

func TestBlobs(t *testing.T) {
	fsys := afero.NewMemMapFs()
	l := NewLocal(fsys, "/s")
	if got, err := l.Blobs(t.Context()); err != nil || len(got) != 0 {
		t.Fatalf("Blobs of no store: got %v, %v", got, err)
	}
	var want []string
	for i := range 5 {
		want = append(want, put(t, l, fmt.Appendf(nil, "image %d", i)).SHA256)
	}
	must(t, afero.WriteFile(fsys, "/s/blobs/ab/not-a-blob", []byte("x"), 0o644))
	got, err := l.Blobs(t.Context())
	must(t, err)
	var sums []string
	for _, b := range got {
		sums = append(sums, b.SHA256)
	}
	slices.Sort(want)
	if !cmp.Equal(sums, want) {
		t.Errorf("Blobs: got %v, want %v", sums, want)
	}
}
