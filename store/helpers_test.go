package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// t0 is the clock of the tests.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

func sumOf(b []byte) string {
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

// pngOf returns a real PNG of w×h whose pixels depend on seed.
func pngOf(t testing.TB, w, h int, seed byte) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = seed + byte(i)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fsCase is a file system the tests run on: the memory one, and the OS
// one for the fsync and rename paths.
type fsCase struct {
	name string
	new  func(t testing.TB) (afero.Fs, string) // a file system and a store directory on it
}

var fsCases = []fsCase{
	{"mem", func(testing.TB) (afero.Fs, string) { return afero.NewMemMapFs(), "/spec/.pixform/store" }},
	{"os", func(t testing.TB) (afero.Fs, string) { return afero.NewOsFs(), filepath.Join(t.TempDir(), "store") }},
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// put stores b or fails the test.
func put(t testing.TB, l *Local, b []byte) Blob {
	t.Helper()
	blob, err := l.Put(t.Context(), bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	return blob
}

// names lists the files under dir (recursively, relative), or none.
func names(t testing.TB, fsys afero.Fs, dir string) []string {
	t.Helper()
	var out []string
	err := afero.Walk(fsys, dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if !fi.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fullFs is a file system whose device fills up: a file's writes fail with
// ENOSPC once more than room bytes were written to it, and so does Sync
// when syncFails is set.
type fullFs struct {
	afero.Fs
	room      int64
	syncFails bool
}

func (f *fullFs) Create(name string) (afero.File, error) {
	return f.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

func (f *fullFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil || flag&(os.O_WRONLY|os.O_RDWR) == 0 {
		return file, err
	}
	return &fullFile{File: file, fs: f}, nil
}

type fullFile struct {
	afero.File
	fs      *fullFs
	written int64
}

func (f *fullFile) Write(p []byte) (int, error) {
	if f.written+int64(len(p)) > f.fs.room {
		n := int(max(0, f.fs.room-f.written))
		n, _ = f.File.Write(p[:n])
		f.written += int64(n)
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	n, err := f.File.Write(p)
	f.written += int64(n)
	return n, err
}

func (f *fullFile) Sync() error {
	if f.fs.syncFails {
		return &os.PathError{Op: "sync", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return f.File.Sync()
}
