package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// outcome is what one apply measured.
type outcome struct {
	wall       time.Duration // executor.Apply and the Store's Close, what a user waits for
	sum        executor.Summary
	written    int64 // Store.BytesWritten
	stateBytes int64 // final .pixform/state.json
	lockBytes  int64 // final pixform.lock.hcl
}

// specBlock is one image block of the spec; a block has at most
// maxCount instances (spec's limit on count), so n images take several.
const specBlock = `
image "img%d" {
  count  = %d
  prompt = "Benchmark image number ${count.index} of block %d, flat vector, pastel palette"
  output = "out/%d/${format("%%05d", count.index)}.png"
}
`

const maxCount = 10000

// specFile is the spec of n images on one provider kind.
func specFile(kind string, n int) []byte {
	src := fmt.Appendf(nil, "provider %q {}\n", kind)
	for b := 0; n > 0; b++ {
		c := min(n, maxCount)
		src = fmt.Appendf(src, specBlock, b, c, b, b)
		n -= c
	}
	return src
}

// applyImages runs, in a fresh temp directory, what pixform apply
// -auto-approve does for a spec of n images on prov: spec.Load,
// state.Open, planner.Make, executor.Apply with parallelism p, and the
// Store's Close.
func applyImages(ctx context.Context, prov provider.Provider, n, p int, onEvent func(executor.Event)) (outcome, error) {
	var out outcome
	dir, err := os.MkdirTemp("", "pixform-bench-*")
	if err != nil {
		return out, err
	}
	defer os.RemoveAll(dir)
	fsys := afero.NewOsFs()
	if err := os.WriteFile(filepath.Join(dir, "bench.pix.hcl"), specFile(prov.Kind(), n), 0o644); err != nil {
		return out, err
	}
	sp, diags := spec.Load(fsys, dir, spec.LoadOptions{})
	if diags.HasErrors() {
		return out, fmt.Errorf("load spec: %s", diags.Error())
	}
	store, err := state.Open(fsys, dir, state.LockOptions{})
	if err != nil {
		return out, err
	}
	defer store.Close() // after the Close below, a no-op
	lock, err := state.ReadLock(fsys, dir)
	if err != nil {
		return out, err
	}
	plan, diags := planner.Make(fsys, sp, store.State(), lock, planner.Options{})
	if diags.HasErrors() {
		return out, fmt.Errorf("plan: %s", diags.Error())
	}
	if c := plan.Counts(); c.Create != n {
		return out, fmt.Errorf("plan: got %d creates, want %d", c.Create, n)
	}

	start := time.Now()
	out.sum, err = executor.Apply(ctx, plan, executor.Options{
		Fs: fsys, Dir: dir, Store: store, Parallelism: p,
		Providers: map[string]provider.Provider{prov.Kind(): prov}, OnEvent: onEvent,
	})
	if err != nil {
		return out, fmt.Errorf("apply: %w", err)
	}
	if err := store.Close(); err != nil {
		return out, fmt.Errorf("close state: %w", err)
	}
	out.wall = time.Since(start)
	if out.sum.Generated != n {
		msg := ""
		if len(out.sum.Failures) > 0 {
			msg = fmt.Sprintf(" (first failure: %s: %v)", out.sum.Failures[0].Addr, out.sum.Failures[0].Err)
		}
		return out, fmt.Errorf("apply: generated %d of %d images, %d failed, %d skipped%s",
			out.sum.Generated, n, out.sum.Failed, out.sum.Skipped, msg)
	}
	out.written = store.BytesWritten()
	if out.stateBytes, err = size(fsys, filepath.Join(dir, filepath.FromSlash(state.StateFile))); err != nil {
		return out, err
	}
	if out.lockBytes, err = size(fsys, filepath.Join(dir, state.LockfileName)); err != nil {
		return out, err
	}
	return out, nil
}

func size(fsys afero.Fs, path string) (int64, error) {
	fi, err := fsys.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
