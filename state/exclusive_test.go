package state

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

// TestCreateExclusiveOS: on the OS filesystem the lock file appears whole,
// a second create fails with fs.ErrExist and keeps the first content, and
// no temporary file is left behind.
func TestCreateExclusiveOS(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "lock.json")
	osfs := afero.NewOsFs()
	must(t, createExclusive(osfs, name, []byte("first\n")))
	if err := createExclusive(osfs, name, []byte("second\n")); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second create: got %v, want fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(name); string(got) != "first\n" {
		t.Errorf("content: got %q, want the first writer's", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("got %d entries in the directory, want only the lock file", len(entries))
	}
}
