package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/afero"
)

// filePerm and dirPerm are the modes of everything this package creates.
const (
	filePerm = 0o644
	dirPerm  = 0o755
)

// WriteFileAtomic replaces name with data so that a reader (or a crash at
// any instant) sees either the old content or the new, never a mix: it
// writes a temporary file in the same directory, fsyncs it, renames it over
// name and fsyncs the directory so the rename itself is durable. An
// existing file keeps its mode; a new one is 0o644. The CLI writes spec
// files, plans and galleries with it too.
func WriteFileAtomic(fs afero.Fs, name string, data []byte) error {
	dir := filepath.Dir(name)
	if err := fs.MkdirAll(dir, dirPerm); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	mode := os.FileMode(filePerm)
	if fi, err := fs.Stat(name); err == nil {
		mode = fi.Mode().Perm()
	}
	f, err := afero.TempFile(fs, dir, filepath.Base(name)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fs.Chmod(tmp, mode) // TempFile creates 0o600
	}
	if err == nil {
		err = fs.Rename(tmp, name)
	}
	if err != nil {
		_ = fs.Remove(tmp) // best effort: the error below is what matters
		return fmt.Errorf("write %s: %w", name, err)
	}
	return SyncDir(fs, dir)
}

// SyncDir fsyncs a directory, making renames, creations and removals in it
// durable. Windows cannot fsync a directory (and does not need to); on a
// file system without directories (a memory one) it is a no-op.
func SyncDir(fs afero.Fs, dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := fs.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
