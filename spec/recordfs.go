package spec

import (
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	iofs "io/fs"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/spf13/afero"
)

// recordFs is the filesystem a reusable Load reads through (reuse.go): it
// passes every call on to the filesystem beneath and records what the
// spec could learn from it, so that a later Load can check, input by
// input, that nothing it read has changed. It records what a call
// answered, never a timestamp: the content read (its sha256), a
// directory's entries, whether a path exists and its type. A read it
// cannot describe that way (a partial read, a seek, an error other than
// "does not exist") taints the record, and a tainted Load is not reused.
type recordFs struct {
	afero.Fs
	mu      sync.Mutex
	inputs  map[input]string // an input -> what it gave
	tainted bool
}

// inputKind is what was asked of a path.
type inputKind uint8

const (
	inStat    inputKind = iota // Stat or Open: exists, and its type
	inLstat                    // Lstat: exists, and its type, links not followed
	inContent                  // the sha256 of the content read to the end
	inList                     // the sorted entries of a directory, with their types
	inNames                    // the sorted names of a directory's entries
)

// input is one question a Load asked of the filesystem.
type input struct {
	Kind inputKind
	Path string
}

func newRecordFs(fs afero.Fs) *recordFs {
	return &recordFs{Fs: fs, inputs: map[input]string{}}
}

func (r *recordFs) record(in input, got string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.inputs[in]; ok && old != got {
		r.tainted = true // it changed during the Load
	}
	r.inputs[in] = got
}

func (r *recordFs) taint() {
	r.mu.Lock()
	r.tainted = true
	r.mu.Unlock()
}

// statAnswer describes the answer of a Stat or an Lstat.
func statAnswer(fi iofs.FileInfo, err error) (string, bool) {
	switch {
	case err == nil:
		return "type " + fi.Mode().Type().String(), true
	case errors.Is(err, iofs.ErrNotExist):
		return "missing", true
	}
	return "", false
}

func (r *recordFs) Stat(name string) (iofs.FileInfo, error) {
	fi, err := r.Fs.Stat(name)
	if got, ok := statAnswer(fi, err); ok {
		r.record(input{inStat, name}, got)
	} else {
		r.taint()
	}
	return fi, err
}

// LstatIfPossible keeps the Lstater of the filesystem beneath (or Stat,
// as afero.Walk does, when it has none).
func (r *recordFs) LstatIfPossible(name string) (iofs.FileInfo, bool, error) {
	lst, ok := r.Fs.(afero.Lstater)
	if !ok {
		fi, err := r.Stat(name)
		return fi, false, err
	}
	fi, used, err := lst.LstatIfPossible(name)
	kind := inStat
	if used {
		kind = inLstat
	}
	if got, ok := statAnswer(fi, err); ok {
		r.record(input{kind, name}, got)
	} else {
		r.taint()
	}
	return fi, used, err
}

// ReadlinkIfPossible is the filesystem's: a link's target is not recorded,
// so a Load that reads one is not reused.
func (r *recordFs) ReadlinkIfPossible(name string) (string, error) {
	r.taint()
	if lr, ok := r.Fs.(afero.LinkReader); ok {
		return lr.ReadlinkIfPossible(name)
	}
	return "", &os.PathError{Op: "readlink", Path: name, Err: afero.ErrNoReadlink}
}

func (r *recordFs) Open(name string) (afero.File, error) {
	f, err := r.Fs.Open(name)
	if err != nil {
		if errors.Is(err, iofs.ErrNotExist) {
			r.record(input{inStat, name}, "missing")
		} else {
			r.taint()
		}
		return f, err
	}
	return &recordFile{File: f, fs: r, name: name, sum: sha256.New()}, nil
}

// OpenFile and the writing methods are not what a Load does: they taint.
func (r *recordFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag == os.O_RDONLY {
		return r.Open(name)
	}
	r.taint()
	return r.Fs.OpenFile(name, flag, perm)
}

func (r *recordFs) Create(name string) (afero.File, error) { r.taint(); return r.Fs.Create(name) }
func (r *recordFs) Chtimes(name string, a, m time.Time) error {
	r.taint()
	return r.Fs.Chtimes(name, a, m)
}

// recordFile records what is read of one opened file: its content, when
// read to the end in order, or its entries, when listed in full.
type recordFile struct {
	afero.File
	fs     *recordFs
	name   string
	sum    hash.Hash
	read   bool // some bytes were read
	done   bool // the content or the listing was recorded
	broken bool // read in a way not recorded
}

func (f *recordFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	f.sum.Write(p[:n])
	f.read = f.read || n > 0
	switch {
	case err == io.EOF && !f.broken && !f.done:
		f.done = true
		f.fs.record(input{inContent, f.name}, string(f.sum.Sum(nil)))
	case err != nil && err != io.EOF:
		f.broken = true
	}
	return n, err
}

func (f *recordFile) ReadAt(p []byte, off int64) (int, error) {
	f.broken = true
	return f.File.ReadAt(p, off)
}

func (f *recordFile) Seek(off int64, whence int) (int64, error) {
	if off != 0 || whence != io.SeekStart || f.read {
		f.broken = true
	}
	return f.File.Seek(off, whence)
}

func (f *recordFile) Readdir(n int) ([]iofs.FileInfo, error) {
	fis, err := f.File.Readdir(n)
	if n > 0 || err != nil {
		f.broken = true
		return fis, err
	}
	f.list(inList, typedEntries(fis))
	return fis, err
}

func (f *recordFile) Readdirnames(n int) ([]string, error) {
	names, err := f.File.Readdirnames(n)
	if n > 0 || err != nil {
		f.broken = true
		return names, err
	}
	f.list(inNames, slices.Clone(names))
	return names, err
}

// list records the entries of a directory listed in full.
func (f *recordFile) list(kind inputKind, entries []string) {
	f.done = true
	f.fs.record(input{kind, f.name}, listAnswer(entries))
}

// listAnswer describes the entries of a directory, in any order.
func listAnswer(entries []string) string {
	slices.Sort(entries)
	h := sha256.New()
	for _, e := range entries {
		h.Write([]byte(e))
		h.Write([]byte{0})
	}
	return string(h.Sum(nil))
}

// typedEntries are the entries of a listing as inList records them.
func typedEntries(fis []iofs.FileInfo) []string {
	entries := make([]string, len(fis))
	for i, fi := range fis {
		entries[i] = fi.Name() + "\x00" + fi.Mode().Type().String()
	}
	return entries
}

// isOsFs tells whether fs is the operating system's filesystem, recorded
// or not: symbolic links are then resolved by the operating system.
func isOsFs(fs afero.Fs) bool {
	if r, ok := fs.(*recordFs); ok {
		fs = r.Fs
	}
	_, ok := fs.(*afero.OsFs)
	return ok
}

func (f *recordFile) Close() error {
	fi, err := f.File.Stat()
	if got, ok := statAnswer(fi, err); ok {
		f.fs.record(input{inStat, f.name}, got)
	} else {
		f.broken = true
	}
	if f.broken || (f.read && !f.done) {
		f.fs.taint()
	}
	return f.File.Close()
}
