package executor_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/provider/offline"
	"github.com/pixform/pixform/spec"
)

// TestNoWriteThroughSwappedSymlink: a directory swapped for a symbolic
// link to elsewhere after planning (a saved plan is applied later) is not
// written through, even where the link's target lacks the subdirectory.
func TestNoWriteThroughSwappedSymlink(t *testing.T) {
	w := newWorld(t)
	outside := t.TempDir()
	a := img("offline", "a", "first")
	a.Output = "out/sub/a.png"
	p := w.plan([]*spec.Asset{a})
	if err := os.Symlink(outside, filepath.Join(w.dir, "out")); err != nil {
		t.Fatal(err)
	}
	sum, _ := w.apply(context.Background(), p, offline.New(), executor.Options{})
	if sum.Failed != 1 || len(sum.Failures) != 1 || !strings.Contains(sum.Failures[0].Err.Error(), "symbolic link") {
		t.Fatalf("got %+v, want the image refused for the symbolic link", sum)
	}
	entries, err := os.ReadDir(outside)
	if err != nil || len(entries) != 0 {
		t.Errorf("the directory outside holds %v (%v), want nothing", entries, err)
	}
}
