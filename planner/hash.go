package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/afero"
	"golang.org/x/sync/errgroup"

	"github.com/pixform/pixform/state"
)

// racyWindow is how recent an mtime may be before its hash is not cached:
// a file written twice within one mtime tick could keep size and mtime.
const racyWindow = 2 * time.Second

// Hasher hashes files below a directory, through a cache keyed by (size,
// mtime, inode) so an unchanged file is read once, ever. Within one Hasher
// each path is looked at once: a reference shared by many images is stated
// (and, on a cold cache, read) a single time. A Hasher is for one plan and
// one goroutine (Prefetch spreads its own work).
type Hasher struct {
	fs    afero.Fs
	dir   string
	cache map[string]state.FileHash
	now   time.Time
	seen  map[string]hashResult // what Hash answered, by path
	// Files is the cache as refreshed by this hasher: every file it saw.
	Files map[string]state.FileHash
}

type hashResult struct {
	sum     string
	exists  bool
	err     error
	format  string // the image format of its first bytes
	sniffed bool   // format is known, even when empty
}

// NewHasher returns a hasher over dir that starts from cache.
func NewHasher(fsys afero.Fs, dir string, cache map[string]state.FileHash) *Hasher {
	return &Hasher{
		fs: fsys, dir: dir, cache: cache, now: time.Now(),
		// A plan sees about the files it saw last time: size for them.
		seen:  make(map[string]hashResult, len(cache)),
		Files: make(map[string]state.FileHash, len(cache)),
	}
}

// Hash returns the sha256 of the file at the slash path rel, as
// "sha256:<hex>", and whether it exists. It answers the same for a path
// every time it is asked.
func (h *Hasher) Hash(rel string) (string, bool, error) {
	if r, ok := h.seen[rel]; ok {
		return r.sum, r.exists, r.err
	}
	r, entry, keep := h.hash(rel)
	h.keep(rel, r, entry, keep)
	return r.sum, r.exists, r.err
}

// Prefetch looks at the files rels up front, several at a time (a plan
// of thousands of files waits mostly on stat and read), so that Hash
// answers them from memory. A path given twice is looked at once.
func (h *Hasher) Prefetch(rels []string) {
	todo := make([]string, 0, len(rels))
	for _, rel := range rels {
		if _, ok := h.seen[rel]; !ok {
			h.seen[rel] = hashResult{} // a placeholder until below, to skip duplicates
			todo = append(todo, rel)
		}
	}
	type out struct {
		r     hashResult
		entry state.FileHash
		keep  bool
	}
	outs := make([]out, len(todo))
	var g errgroup.Group
	g.SetLimit(prefetchers)
	for i, rel := range todo {
		g.Go(func() error {
			r, entry, keep := h.hash(rel)
			outs[i] = out{r, entry, keep}
			return nil
		})
	}
	_ = g.Wait() // the goroutines return no error: each keeps its own
	for i, rel := range todo {
		h.keep(rel, outs[i].r, outs[i].entry, outs[i].keep)
	}
}

// prefetchers is how many files Prefetch looks at at once.
const prefetchers = 8

func (h *Hasher) keep(rel string, r hashResult, entry state.FileHash, keep bool) {
	h.seen[rel] = r
	if keep {
		h.Files[rel] = entry
	}
}

// hash looks at one file; it only reads the Hasher, so that Prefetch may
// run it concurrently. keep tells whether entry goes into the cache.
func (h *Hasher) hash(rel string) (r hashResult, entry state.FileHash, keep bool) {
	full := filepath.Join(h.dir, filepath.FromSlash(rel))
	fi, err := h.fs.Stat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return hashResult{}, entry, false
	}
	if err != nil {
		return hashResult{err: fmt.Errorf("stat %s: %w", rel, err)}, entry, false
	}
	if fi.IsDir() {
		return hashResult{err: fmt.Errorf("%s is a directory, not an image file", rel)}, entry, false
	}
	key := state.FileHash{Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), Inode: inode(fi)}
	if c, ok := h.cache[rel]; ok && c.Size == key.Size && c.ModTime == key.ModTime && c.Inode == key.Inode {
		return hashResult{sum: c.SHA256, exists: true, format: c.Format, sniffed: c.Format != ""}, c, true
	}
	sum, format, err := hashSniff(h.fs, full)
	if err != nil {
		return hashResult{err: fmt.Errorf("hash %s: %w", rel, err)}, entry, false
	}
	key.SHA256, key.Format = sum, format
	return hashResult{sum: sum, exists: true, format: format, sniffed: true}, key, h.now.Sub(fi.ModTime()) > racyWindow
}

// Format returns the image format the file at the slash path rel starts
// with (SniffImage), "" when it is not an image. It costs nothing when the
// file was read for its hash or is unchanged since an earlier plan looked;
// otherwise it reads the file's first bytes, once.
func (h *Hasher) Format(rel string) (string, error) {
	if _, _, err := h.Hash(rel); err != nil {
		return "", err
	}
	r := h.seen[rel]
	if !r.exists || r.sniffed {
		return r.format, nil
	}
	f, err := h.fs.Open(filepath.Join(h.dir, filepath.FromSlash(rel)))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", rel, err)
	}
	defer f.Close()
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read %s: %w", rel, err)
	}
	r.format, r.sniffed = SniffImage(head[:n]), true
	h.seen[rel] = r
	if e, ok := h.Files[rel]; ok {
		e.Format = r.format
		h.Files[rel] = e
	}
	return r.format, nil
}

// HashFile returns the sha256 of a file as "sha256:<hex>".
func HashFile(fsys afero.Fs, path string) (string, error) {
	f, err := fsys.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// hashSniff is HashFile that also names the image format of the first
// bytes, from the same read.
func hashSniff(fsys afero.Fs, path string) (sum, format string, err error) {
	f, err := fsys.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	h := sha256.New()
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", "", err
	}
	h.Write(head[:n])
	if _, err := io.Copy(h, f); err != nil {
		return "", "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), SniffImage(head[:n]), nil
}

func inode(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}

// Stamp is the cache entry of a file whose sha256 the caller knows, such
// as an image the executor just wrote: the next plan need not read it.
func Stamp(fi fs.FileInfo, sha string) state.FileHash {
	return state.FileHash{Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), Inode: inode(fi), SHA256: sha}
}
