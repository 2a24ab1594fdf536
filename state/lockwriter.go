package state

import (
	"bytes"
	"errors"
	"fmt"
	iofs "io/fs"

	"github.com/spf13/afero"
)

// LockfileWriter keeps the committed lockfile, pixform.lock.hcl, in step
// with a State during an apply, whatever backend keeps the state: the
// lockfile stays in git for every backend. The local Store writes it at
// each fold and at Close; another backend gets the same through
// WithLockfile.
//
// What it writes is LockFrom of the state plus the images the lockfile
// had when it was read that the state lacks (a fresh clone's), until they
// are done again, forgotten or moved: without them, the first apply on a
// fresh clone, which has no state, would empty the lockfile. It writes
// only when the content changed, atomically. It is not safe for
// concurrent use: its caller serialises it with its records.
type LockfileWriter struct {
	fs      afero.Fs
	dir     string
	enc     []byte               // the lockfile as last read or written; nil when absent
	only    map[string]LockImage // lockfile images that the state lacks
	cache   map[LockImage][]byte // image blocks of the lockfile, to write it again quickly
	written int64
}

// NewLockfileWriter reads the lockfile of the spec directory dir, to keep
// it in step with s and the records made on s from now on.
func NewLockfileWriter(fs afero.Fs, dir string, s *State) (*LockfileWriter, error) {
	enc, only, err := readLockFor(fs, dir, s)
	if err != nil {
		return nil, err
	}
	return &LockfileWriter{fs: fs, dir: dir, enc: enc, only: only, cache: map[LockImage][]byte{}}, nil
}

// Knows returns the image of addr that only the lockfile knows (the state
// lacks it), if any.
func (w *LockfileWriter) Knows(addr string) (LockImage, bool) {
	img, ok := w.only[addr]
	return img, ok
}

// Done tells w that the state now records addr: the state's entry is
// written from now on.
func (w *LockfileWriter) Done(addr string) { delete(w.only, addr) }

// Forget tells w that addr was forgotten.
func (w *LockfileWriter) Forget(addr string) { delete(w.only, addr) }

// Move tells w that addr from became to, with output output ("" keeps
// it).
func (w *LockfileWriter) Move(from, to, output string) {
	applyLockOnly(w.only, &record{Op: opMove, Addr: from, To: to, Output: output})
}

// apply is Done, Forget or Move for a journal record.
func (w *LockfileWriter) apply(r *record) { applyLockOnly(w.only, r) }

// Write writes the lockfile for s when its content changed. A project
// without images and without a lockfile gets none.
func (w *LockfileWriter) Write(s *State) error {
	if w.enc == nil && len(s.Assets) == 0 && len(w.only) == 0 {
		return nil
	}
	enc := encodeLock(lockWith(s, w.only), w.cache)
	if bytes.Equal(enc, w.enc) {
		return nil
	}
	if err := WriteFileAtomic(w.fs, filePath(w.dir, LockfileName), enc); err != nil {
		return fmt.Errorf("write lockfile: %w", err)
	}
	w.written += int64(len(enc))
	w.enc = enc
	return nil
}

// BytesWritten is the number of bytes w wrote to the lockfile.
func (w *LockfileWriter) BytesWritten() int64 { return w.written }

// lockWith is the lockfile a Store writes: LockFrom(s), plus the images
// only the lockfile knew (only) that s still lacks.
func lockWith(s *State, only map[string]LockImage) *Lock {
	l := LockFrom(s)
	for addr, img := range only {
		if s.Assets[addr] == nil {
			l.Images = append(l.Images, img)
		}
	}
	return l
}

// readLockFor reads the lockfile as Open finds it: its bytes (nil when
// absent) and the images it has that s lacks, which a Store keeps in the
// lockfile until they are forgotten, moved or done again. Without that, the
// first apply on a fresh clone, which has no state, would empty the
// lockfile.
func readLockFor(fs afero.Fs, dir string, s *State) ([]byte, map[string]LockImage, error) {
	only := map[string]LockImage{}
	name := filePath(dir, LockfileName)
	src, err := afero.ReadFile(fs, name)
	if errors.Is(err, iofs.ErrNotExist) {
		return nil, only, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read lockfile: %w", err)
	}
	l, err := decodeLock(src, name)
	if err != nil {
		return nil, nil, err
	}
	for _, img := range l.Images {
		if s.Assets[img.Addr] == nil {
			only[img.Addr] = img
		}
	}
	return src, only, nil
}

// applyLockOnly performs a record on the images only the lockfile knows.
func applyLockOnly(only map[string]LockImage, r *record) {
	switch r.Op {
	case opDone:
		delete(only, r.Asset.Addr)
	case opForget:
		delete(only, r.Addr)
	case opMove:
		// An entry the state has too is written from the state.
		if img, ok := only[r.Addr]; ok {
			delete(only, r.Addr)
			img.Addr = r.To
			if r.Output != "" {
				img.Output = r.Output
			}
			only[r.To] = img
		}
	}
}
