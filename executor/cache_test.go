package executor_test

import (
	"context"
	"testing"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider/offline"
	"github.com/pixform/pixform/spec"
)

// TestWrittenImagesWarmTheHashCache: after an apply, the next plan finds
// every image it wrote in the hash cache, so it reads none of them again.
func TestWrittenImagesWarmTheHashCache(t *testing.T) {
	w := newWorld(t)
	assets := []*spec.Asset{img("offline", "a", "first"), img("offline", "b", "second")}
	sum, _ := w.apply(context.Background(), w.plan(assets), offline.New(), executor.Options{})
	if sum.Generated != 2 {
		t.Fatalf("got %d generated, want 2", sum.Generated)
	}
	st := w.store.State()
	for _, a := range assets {
		fh, ok := st.Files[a.Output]
		if !ok {
			t.Errorf("%s: no hash-cache entry after apply", a.Output)
			continue
		}
		if want := st.Assets[a.Addr].SHA256; fh.SHA256 != want {
			t.Errorf("%s: cached %s, want %s", a.Output, fh.SHA256, want)
		}
		fi, err := w.fs.Stat(w.path(a.Output))
		if err != nil {
			t.Fatal(err)
		}
		if key := planner.Stamp(fi, fh.SHA256); key != fh {
			t.Errorf("%s: cached %+v, but the file is %+v: the next plan would read it again", a.Output, fh, key)
		}
	}
}
