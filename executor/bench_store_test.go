package executor_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
	"github.com/pixform/pixform/store"
)

// The figures of issue 14 (README, Store): the fake API's latency as
// bench/apply uses it by default, 1,000 images at parallelism 100.
const (
	benchImages      = 1000
	benchParallelism = 100
	benchLatency     = 2 * time.Second
)

func benchAssets(kind string) []*spec.Asset {
	assets := make([]*spec.Asset, benchImages)
	for i := range assets {
		assets[i] = img(kind, fmt.Sprintf("b%04d", i), fmt.Sprintf("benchmark image %d", i))
	}
	sort.Slice(assets, func(i, j int) bool { return assets[i].Addr < assets[j].Addr })
	return assets
}

func (w *world) planWith(assets []*spec.Asset, opts planner.Options) *planner.Plan {
	w.t.Helper()
	lock, err := state.ReadLock(w.fs, w.dir)
	if err != nil {
		w.t.Fatal(err)
	}
	p, diags := planner.Make(w.fs, &spec.Spec{Dir: w.dir, Assets: assets}, w.store.State(), lock, opts)
	if diags.HasErrors() {
		w.t.Fatal(diags)
	}
	return p
}

func generationsOf(t testing.TB, s store.Store) planner.GenerationsFunc {
	return func(fp string) []planner.Generation {
		gs, err := s.Generations(context.Background(), store.Query{Fingerprint: fp})
		if err != nil {
			t.Fatal(err)
		}
		out := make([]planner.Generation, len(gs))
		for i, g := range gs {
			out[i] = planner.Generation{SHA256: g.SHA256, TaskID: g.TaskID, Created: g.Created}
		}
		return out
	}
}

// BenchmarkRestoreVsGenerate generates 1,000 images of 1 MB at the fake
// API's latency, deletes every output, and restores them from the store:
// generate-s and restore-s are the wall times of the two applies, speedup
// their ratio, restore-requests what the API received during the restore.
//
//	go test -run '^$' -bench RestoreVsGenerate -benchtime 1x ./executor
func BenchmarkRestoreVsGenerate(b *testing.B) {
	for b.Loop() {
		w := openWorld(b, afero.NewOsFs(), b.TempDir())
		srv, prov := newFake(b, fakeapi.Options{TaskLatency: benchLatency, NoiseBytes: 1 << 20})
		imgs := store.NewLocal(w.fs, w.dir+"/.pixform/store")
		assets := benchAssets(prov.Kind())
		opts := executor.Options{Images: imgs, Parallelism: benchParallelism}
		start := time.Now()
		sum, _ := w.apply(context.Background(), w.planWith(assets, planner.Options{}), prov, opts)
		gen := time.Since(start)
		if sum.Generated != benchImages {
			b.Fatalf("generated %d: %v", sum.Generated, failures(sum))
		}
		w.reopen()
		for _, a := range assets {
			if err := w.fs.Remove(w.path(a.Output)); err != nil {
				b.Fatal(err)
			}
		}
		before := srv.Counts().Total
		start = time.Now()
		p := w.planWith(assets, planner.Options{Generations: generationsOf(b, imgs)})
		sum, _ = w.apply(context.Background(), p, prov, opts)
		restore := time.Since(start)
		if sum.Restored != benchImages {
			b.Fatalf("restored %d, generated %d: %v", sum.Restored, sum.Generated, failures(sum))
		}
		b.ReportMetric(gen.Seconds(), "generate-s")
		b.ReportMetric(restore.Seconds(), "restore-s")
		b.ReportMetric(gen.Seconds()/restore.Seconds(), "speedup")
		b.ReportMetric(float64(srv.Counts().Total-before), "restore-requests")
	}
}

// BenchmarkStoreOverhead applies 1,000 images at parallelism 100 and the
// fake API's latency without the store and with it: overhead-% is how much
// longer the apply that keeps every image takes.
//
//	go test -run '^$' -bench StoreOverhead -benchtime 1x ./executor
func BenchmarkStoreOverhead(b *testing.B) {
	for b.Loop() {
		var walls [2]time.Duration
		for i, keep := range []bool{false, true} {
			w := openWorld(b, afero.NewOsFs(), b.TempDir())
			_, prov := newFake(b, fakeapi.Options{TaskLatency: benchLatency})
			opts := executor.Options{Parallelism: benchParallelism}
			if keep {
				opts.Images = store.NewLocal(w.fs, w.dir+"/.pixform/store")
			}
			p := w.planWith(benchAssets(prov.Kind()), planner.Options{})
			start := time.Now()
			sum, _ := w.apply(context.Background(), p, prov, opts)
			walls[i] = time.Since(start)
			if sum.Generated != benchImages {
				b.Fatalf("generated %d: %v", sum.Generated, failures(sum))
			}
		}
		b.ReportMetric(walls[0].Seconds(), "without-s")
		b.ReportMetric(walls[1].Seconds(), "with-s")
		b.ReportMetric(100*(walls[1].Seconds()/walls[0].Seconds()-1), "overhead-%")
	}
}
