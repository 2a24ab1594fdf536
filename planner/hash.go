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

	"github.com/pixform/pixform/state"
)

// racyWindow is how recent an mtime may be before its hash is not cached:
// a file written twice within one mtime tick could keep size and mtime.
const racyWindow = 2 * time.Second

// Hasher hashes files below a directory, through a cache keyed by (size,
// mtime, inode) so an unchanged file is read once, ever. Within one Hasher
// each path is looked at once: a reference shared by many images is stated
// (and, on a cold cache, read) a single time. A Hasher is for one plan and
// one goroutine.
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
	sum    string
	exists bool
	err    error
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
	sum, exists, err := h.hash(rel)
	h.seen[rel] = hashResult{sum: sum, exists: exists, err: err}
	return sum, exists, err
}

func (h *Hasher) hash(rel string) (string, bool, error) {
	full := filepath.Join(h.dir, filepath.FromSlash(rel))
	fi, err := h.fs.Stat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("stat %s: %w", rel, err)
	}
	if fi.IsDir() {
		return "", false, fmt.Errorf("%s is a directory, not an image file", rel)
	}
	key := state.FileHash{Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), Inode: inode(fi)}
	if c, ok := h.cache[rel]; ok && c.Size == key.Size && c.ModTime == key.ModTime && c.Inode == key.Inode {
		h.Files[rel] = c
		return c.SHA256, true, nil
	}
	sum, err := HashFile(h.fs, full)
	if err != nil {
		return "", false, fmt.Errorf("hash %s: %w", rel, err)
	}
	key.SHA256 = sum
	if h.now.Sub(fi.ModTime()) > racyWindow {
		h.Files[rel] = key
	}
	return sum, true, nil
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
