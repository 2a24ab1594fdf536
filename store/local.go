package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/afero"
)

// The layout of a Local store directory.
const (
	blobsDir   = "blobs"       // blobs/ab/abcdef…: the images, read-only
	tmpDir     = "tmp"         // Puts in progress
	corruptDir = "corrupt"     // blobs whose bytes did not match their digest
	indexFile  = "index.jsonl" // the generations (see index.go)
	lockName   = "lock"        // the flock(2) that processes sharing the store take
)

// Local is the Store on a directory of an afero.Fs (the OS file system in
// pixform, a memory one in tests). Nothing is created until something is
// written: reading a store that does not exist finds it empty.
//
// Processes sharing the directory (PIXFORM_STORE) coordinate through an
// flock(2) on its lock file: appends to the index and the last step of a
// Put share it, GC and the repair of a torn index take it alone. Within a
// process, mutexes do the same.
type Local struct {
	fs   afero.Fs
	root string

	gcMu    sync.RWMutex   // held by GC and index repairs; shared by Put's rename and Add
	stripes [64]sync.Mutex // one Put or move aside of a digest at a time
	mu      sync.Mutex     // guards idx and orders the appends of this process
	idx     index          // what was read of the index file
}

var _ Store = (*Local)(nil)

// NewLocal returns the store in directory dir of fsys (see Dir).
func NewLocal(fsys afero.Fs, dir string) *Local {
	return &Local{fs: fsys, root: dir}
}

// Root is the directory of the store, for messages.
func (l *Local) Root() string { return l.root }

func (l *Local) path(parts ...string) string {
	return filepath.Join(append([]string{l.root}, parts...)...)
}

func (l *Local) blobPath(h string) string { return l.path(blobsDir, h[:2], h) }

func (l *Local) stripe(h string) *sync.Mutex {
	b, _ := strconv.ParseUint(h[:2], 16, 8) // h is checked hex
	return &l.stripes[int(b)%len(l.stripes)]
}

// Put streams r into a temporary file of the store, hashing it, makes it
// durable, and renames it to its digest's path (then fsyncs that
// directory). When the store holds the digest already, the temporary file
// is dropped and the blob's time renewed (GC's OlderThan counts from the
// last Put). A blob of the same digest but another size is corrupt: it is
// moved aside and replaced. On any error the temporary file is removed.
func (l *Local) Put(ctx context.Context, r io.Reader) (Blob, error) {
	dir := l.path(tmpDir)
	if err := l.fs.MkdirAll(dir, dirPerm); err != nil {
		return Blob{}, ioError("put", "", dir, err)
	}
	f, err := afero.TempFile(l.fs, dir, "put-*")
	if err != nil {
		return Blob{}, ioError("put", "", dir, err)
	}
	tmp := f.Name()
	sum, n, err := l.fill(ctx, f, r)
	if err == nil {
		var b Blob
		if b, err = l.commit(tmp, sum, n); err == nil {
			return b, nil
		}
	}
	_ = l.fs.Remove(tmp) // best effort: the write error is what matters
	return Blob{}, ioError("put", "", l.root, err)
}

// fill copies r to f, makes it durable and read-only, and closes it.
func (l *Local) fill(ctx context.Context, f afero.File, r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(f, h), ctxReader{ctx, r}, make([]byte, copyBufSize))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = l.fs.Chmod(f.Name(), blobPerm)
	}
	return digest(h), n, err
}

func digest(h hash.Hash) string { return digestPrefix + hex.EncodeToString(h.Sum(nil)) }

// commit moves the complete temporary file tmp to the blob sum.
func (l *Local) commit(tmp, sum string, n int64) (Blob, error) {
	h := sum[len(digestPrefix):]
	final := l.blobPath(h)
	l.gcMu.RLock()
	defer l.gcMu.RUnlock()
	unlock, err := fileLock(l.fs, l.path(lockName), false)
	if err != nil {
		return Blob{}, err
	}
	defer unlock()
	m := l.stripe(h)
	m.Lock()
	defer m.Unlock()
	if fi, err := l.fs.Stat(final); err == nil {
		if fi.Size() == n {
			now := time.Now()
			_ = l.fs.Chtimes(final, now, now) // best effort: only GC's OlderThan reads it
			_ = l.fs.Remove(tmp)
			return Blob{SHA256: sum, Size: n, ModTime: now}, nil
		}
		l.moveAsideLocked(h, nil)
	}
	dir := filepath.Dir(final)
	_, err = l.fs.Stat(dir)
	newDir := errors.Is(err, fs.ErrNotExist)
	if err := l.fs.MkdirAll(dir, dirPerm); err != nil {
		return Blob{}, err
	}
	if newDir {
		if err := syncDir(l.fs, filepath.Dir(dir)); err != nil {
			return Blob{}, err
		}
	}
	if err := l.fs.Rename(tmp, final); err != nil {
		return Blob{}, err
	}
	if err := syncDir(l.fs, dir); err != nil {
		return Blob{}, err
	}
	b := Blob{SHA256: sum, Size: n, New: true}
	if fi, err := l.fs.Stat(final); err == nil {
		b.ModTime = fi.ModTime()
	}
	return b, nil
}

// Has reports whether the blob sum is in the store, without reading it.
func (l *Local) Has(ctx context.Context, sum string) (bool, error) {
	h, err := hexOf(sum)
	if err != nil {
		return false, &Error{Op: "has", Err: err}
	}
	_, err = l.fs.Stat(l.blobPath(h))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, ioError("has", sum, l.root, err)
	}
}

// Open returns a reader of the blob sum that checks it (see Store). A blob
// found corrupt is moved aside to the store's corrupt directory, so that
// it counts as missing from then on and a later Put replaces it.
func (l *Local) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	h, err := hexOf(sum)
	if err != nil {
		return nil, &Error{Op: "open", Err: err}
	}
	f, err := l.fs.Open(l.blobPath(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &Error{Kind: KindMissing, Op: "open", SHA256: sum, Path: l.root, Err: err}
	}
	if err != nil {
		return nil, ioError("open", sum, l.root, err)
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, ioError("open", sum, l.root, err)
	}
	return &verifier{ctx: ctx, f: f, h: sha256.New(), want: sum, hex: h, seen: fi, l: l}, nil
}

// verifier reads a blob and checks its digest at the end.
type verifier struct {
	ctx  context.Context
	f    afero.File
	h    hash.Hash
	want string
	hex  string
	seen os.FileInfo // the file opened, so that only it is moved aside
	l    *Local
	err  error
}

func (v *verifier) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	if err := v.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := v.f.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		if got := digest(v.h); got != v.want {
			v.l.moveAside(v.hex, v.seen)
			v.err = &Error{Kind: KindCorrupt, Op: "read", SHA256: v.want, Path: v.l.root, Err: fmt.Errorf("its bytes hash to %s", got)}
			return n, v.err
		}
	}
	return n, err
}

func (v *verifier) Close() error { return v.f.Close() }

// moveAside takes the corrupt blob h out of the blobs, if it is still the
// file seen (a Put may have replaced it meanwhile).
func (l *Local) moveAside(h string, seen os.FileInfo) {
	m := l.stripe(h)
	m.Lock()
	defer m.Unlock()
	l.moveAsideLocked(h, seen)
}

// moveAsideLocked is moveAside for a caller holding the digest's stripe.
// It is best effort: a blob it can neither move nor remove stays, and is
// found corrupt again by the next read.
func (l *Local) moveAsideLocked(h string, seen os.FileInfo) {
	p := l.blobPath(h)
	fi, err := l.fs.Stat(p)
	if err != nil || (seen != nil && !sameFile(l.fs, fi, seen)) {
		return
	}
	dir := l.path(corruptDir)
	if err := l.fs.MkdirAll(dir, dirPerm); err == nil {
		if l.fs.Rename(p, filepath.Join(dir, h+"."+strconv.FormatInt(time.Now().UnixNano(), 36))) == nil {
			return
		}
	}
	_ = l.fs.Remove(p)
}

func sameFile(fsys afero.Fs, a, b os.FileInfo) bool {
	if onOS(fsys) {
		return os.SameFile(a, b)
	}
	return a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// CopyTo copies the blob sum to name on dst (see Store). It never links:
// the output is a file of its own.
func (l *Local) CopyTo(ctx context.Context, sum string, dst afero.Fs, name string) error {
	rc, err := l.Open(ctx, sum)
	if err != nil {
		return err
	}
	defer rc.Close()
	return copyOut(rc, sum, dst, name)
}

// copyOut writes r, the checked content of blob sum, to name on dst
// through a temporary file beside it, removed on any error. The fsync of
// the directory after the rename is best effort, as for a downloaded
// image: should it be lost, the next plan finds the output missing.
func copyOut(r io.Reader, sum string, dst afero.Fs, name string) (err error) {
	dir := filepath.Dir(name)
	f, err := afero.TempFile(dst, dir, "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return ioError("copy", sum, name, err)
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				_ = f.Close()
			}
			_ = dst.Remove(f.Name()) // best effort: err is what matters
			err = ioError("copy", sum, name, err)
		}
	}()
	if _, err = io.CopyBuffer(f, r, make([]byte, copyBufSize)); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	closed = true
	if err = f.Close(); err != nil {
		return err
	}
	if err = dst.Chmod(f.Name(), filePerm); err != nil { // TempFile makes 0o600; an image is a file to share
		return err
	}
	if err = dst.Rename(f.Name(), name); err != nil {
		return err
	}
	_ = syncDir(dst, dir)
	return nil
}

// Blobs lists the blobs of the store, by digest.
func (l *Local) Blobs(ctx context.Context) ([]Blob, error) {
	dir := l.path(blobsDir)
	subs, err := afero.ReadDir(l.fs, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, ioError("list", "", dir, err)
	}
	var out []Blob
	for _, sub := range subs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue
		}
		files, err := afero.ReadDir(l.fs, filepath.Join(dir, sub.Name()))
		if err != nil {
			return nil, ioError("list", "", filepath.Join(dir, sub.Name()), err)
		}
		for _, fi := range files {
			sum := digestPrefix + fi.Name()
			if _, err := hexOf(sum); err != nil || fi.Name()[:2] != sub.Name() || !fi.Mode().IsRegular() {
				continue // not a blob of this store
			}
			out = append(out, Blob{SHA256: sum, Size: fi.Size(), ModTime: fi.ModTime()})
		}
	}
	return out, nil
}

// Check makes the store's directories and writes, fsyncs and removes a
// file in it, then reads the index, so that an apply learns before it
// spends anything that the images it pays for could not be kept.
func (l *Local) Check(ctx context.Context) error {
	for _, dir := range []string{l.root, l.path(blobsDir), l.path(tmpDir)} {
		if err := l.fs.MkdirAll(dir, dirPerm); err != nil {
			return ioError("check", "", dir, err)
		}
	}
	f, err := afero.TempFile(l.fs, l.path(tmpDir), "check-*")
	if err != nil {
		return ioError("check", "", l.path(tmpDir), err)
	}
	_, err = f.Write([]byte("pixform store check\n"))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if rerr := l.fs.Remove(f.Name()); err == nil {
		err = rerr
	}
	if err != nil {
		return ioError("check", "", l.root, err)
	}
	unlock, err := fileLock(l.fs, l.path(lockName), false)
	if err != nil {
		return ioError("check", "", l.path(lockName), err)
	}
	unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refresh(true)
}
