package executor_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image/png"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/provider/defapi"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// Polling and retries are shortened so that the package's tests stay fast.
const (
	pollFirst = 5 * time.Millisecond
	pollMax   = 100 * time.Millisecond
)

// img is an image block instance of the given provider kind whose output
// is out/<name>.png.
func img(kind, name, prompt string) *spec.Asset {
	return &spec.Asset{
		Addr: "image." + name, Name: name, Provider: kind, Model: spec.DefaultModel,
		Prompt: prompt, Output: "out/" + name + ".png",
	}
}

// refTo makes a reference up's output, as image.up.output in a spec does.
func refTo(a, up *spec.Asset) *spec.Asset {
	a.Refs = append(a.Refs, spec.Ref{Kind: spec.RefAsset, Value: up.Output, Addr: up.Addr})
	a.DependsOn = append(a.DependsOn, up.Addr)
	return a
}

// world is a spec directory with its state store open.
type world struct {
	t     testing.TB
	fs    afero.Fs
	dir   string
	store state.Backend
	// backend, when set, makes the store instead of the local
	// directory: given the state the last one closed with (nil at first).
	backend func(prev *state.State) state.Backend
	kept    *state.State // the state the last store closed with, for backend
}

// newBackendWorld is a world on a memory filesystem whose state lives in
// a state.Memory wrapped by state.WithLockfile, as another backend's
// would: not in .pixform/.
func newBackendWorld(t *testing.T) *world {
	w := &world{t: t, fs: afero.NewMemMapFs(), dir: "/proj"}
	w.backend = func(prev *state.State) state.Backend {
		b, err := state.WithLockfile(w.fs, w.dir, state.NewMemory(prev))
		if err != nil {
			t.Fatalf("state.WithLockfile: %v", err)
		}
		return b
	}
	w.open()
	t.Cleanup(func() {
		if w.store != nil {
			w.store.Close()
		}
	})
	return w
}

// newWorld is a world on the OS filesystem, in a temp directory.
func newWorld(t *testing.T) *world {
	return openWorld(t, afero.NewOsFs(), t.TempDir())
}

// newMemWorld is a world on a memory filesystem.
func newMemWorld(t *testing.T) *world {
	return openWorld(t, afero.NewMemMapFs(), "/proj")
}

func openWorld(t testing.TB, fsys afero.Fs, dir string) *world {
	t.Helper()
	w := &world{t: t, fs: fsys, dir: dir}
	w.open()
	t.Cleanup(func() {
		if w.store != nil {
			w.store.Close()
		}
	})
	return w
}

func (w *world) open() {
	w.t.Helper()
	if w.backend != nil {
		w.store = w.backend(w.kept)
		return
	}
	st, err := state.Open(w.fs, w.dir, state.LockOptions{})
	if err != nil {
		w.t.Fatalf("state.Open: %v", err)
	}
	w.store = st
}

// close closes the store, which folds the journal and writes the lockfile.
func (w *world) close() {
	w.t.Helper()
	if w.backend != nil {
		w.kept = w.store.State()
	}
	if err := w.store.Close(); err != nil {
		w.t.Fatalf("Store.Close: %v", err)
	}
	w.store = nil
}

// reopen closes the store and opens it again, as the next pixform run does.
func (w *world) reopen() {
	w.t.Helper()
	w.close()
	w.open()
}

// plan makes the plan of assets against the current state and lockfile.
func (w *world) plan(assets []*spec.Asset, moved ...spec.Moved) *planner.Plan {
	w.t.Helper()
	lock, err := state.ReadLock(w.fs, w.dir)
	if err != nil {
		w.t.Fatalf("ReadLock: %v", err)
	}
	sorted := append([]*spec.Asset(nil), assets...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Addr < sorted[j].Addr })
	sp := &spec.Spec{Dir: w.dir, Assets: sorted, Moved: moved}
	p, diags := planner.Make(w.fs, sp, w.store.State(), lock, planner.Options{})
	if diags.HasErrors() {
		w.t.Fatalf("planner.Make: %v", diags)
	}
	return p
}

// apply runs p with prov; opts may set Parallelism, MaxCredits, OnEvent and
// the like, the rest is filled in.
func (w *world) apply(ctx context.Context, p *planner.Plan, prov provider.Provider, opts executor.Options) (executor.Summary, *recorder) {
	w.t.Helper()
	rec := &recorder{hook: opts.OnEvent}
	if opts.Fs == nil {
		opts.Fs = w.fs
	}
	opts.Dir, opts.Store, opts.OnEvent = w.dir, w.store, rec.on
	opts.Providers = map[string]provider.Provider{prov.Kind(): prov}
	if opts.PollFirst == 0 {
		opts.PollFirst = pollFirst
	}
	if opts.PollMax == 0 {
		opts.PollMax = pollMax
	}
	sum, err := executor.Apply(ctx, p, opts)
	if err != nil {
		w.t.Fatalf("Apply: %v", err)
	}
	return sum, rec
}

func (w *world) path(rel string) string { return filepath.Join(w.dir, filepath.FromSlash(rel)) }

func (w *world) exists(rel string) bool {
	_, err := w.fs.Stat(w.path(rel))
	return err == nil
}

func (w *world) read(rel string) []byte {
	w.t.Helper()
	data, err := afero.ReadFile(w.fs, w.path(rel))
	if err != nil {
		w.t.Fatalf("read %s: %v", rel, err)
	}
	return data
}

func (w *world) write(rel string, data []byte) {
	w.t.Helper()
	if err := w.fs.MkdirAll(filepath.Dir(w.path(rel)), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := afero.WriteFile(w.fs, w.path(rel), data, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// landed checks that the output of a is a decodable PNG recorded in the
// state with its sha256, and returns its bytes.
func (w *world) landed(a *spec.Asset) []byte {
	w.t.Helper()
	data := w.read(a.Output)
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		w.t.Errorf("%s: %s does not decode as PNG: %v", a.Addr, a.Output, err)
	}
	rec := w.store.State().Assets[a.Addr]
	switch {
	case rec == nil:
		w.t.Errorf("%s: not in state after apply", a.Addr)
	case rec.SHA256 != sha(data) || rec.Output != a.Output:
		w.t.Errorf("%s: state records %s at %s, want %s at %s", a.Addr, rec.SHA256, rec.Output, sha(data), a.Output)
	}
	return data
}

// strayTemps lists the *.tmp files under the spec directory.
func (w *world) strayTemps() []string {
	w.t.Helper()
	var out []string
	err := afero.Walk(w.fs, w.dir, func(p string, fi fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !fi.IsDir() && strings.HasSuffix(p, ".tmp") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		w.t.Fatalf("walk %s: %v", w.dir, err)
	}
	return out
}

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// newFake starts a fake API and a client of it with fast retries.
func newFake(t testing.TB, opts fakeapi.Options) (*fakeapi.Server, *defapi.Client) {
	t.Helper()
	srv := fakeapi.New(opts)
	t.Cleanup(srv.Close)
	return srv, newClient(t, srv, srv.Key())
}

func newClient(t testing.TB, srv *fakeapi.Server, key string) *defapi.Client {
	t.Helper()
	c, err := defapi.New(defapi.Config{
		BaseURL: srv.URL, APIKey: key,
		RetryFor: 20 * time.Millisecond, RetryAttempts: 6,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: 10 * time.Millisecond,
		AttemptTimeout: 5 * time.Second, DownloadTimeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatalf("defapi.New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// recorder keeps the events of an apply.
type recorder struct {
	mu     sync.Mutex
	events []executor.Event
	hook   func(executor.Event)
}

func (r *recorder) on(ev executor.Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	if r.hook != nil {
		r.hook(ev)
	}
}

func (r *recorder) all() []executor.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]executor.Event(nil), r.events...)
}

// index is the position of the first event of kind for addr, or -1.
func (r *recorder) index(kind executor.EventKind, addr string) int {
	for i, ev := range r.all() {
		if ev.Kind == kind && ev.Addr == addr {
			return i
		}
	}
	return -1
}

// of returns the events of kind, for addr unless addr is "".
func (r *recorder) of(kind executor.EventKind, addr string) []executor.Event {
	var out []executor.Event
	for _, ev := range r.all() {
		if ev.Kind == kind && (addr == "" || ev.Addr == addr) {
			out = append(out, ev)
		}
	}
	return out
}

// texts is every message of the apply: events and failures.
func texts(sum executor.Summary, r *recorder) []string {
	var out []string
	for _, ev := range r.all() {
		out = append(out, ev.Message)
	}
	for _, f := range sum.Failures {
		out = append(out, f.Err.Error())
	}
	return out
}

// tally is the part of a Summary that tests compare whole.
type tally struct {
	Generated, Failed, Skipped, Moved, Deleted int
	Stopped                                    bool
}

func tallyOf(s executor.Summary) tally {
	return tally{s.Generated, s.Failed, s.Skipped, s.Moved, s.Deleted, s.Stopped}
}

// failures maps each failed address to its error text.
func failures(s executor.Summary) map[string]string {
	out := map[string]string{}
	for _, f := range s.Failures {
		out[f.Addr] = f.Err.Error()
	}
	return out
}

// readState reads the state as a later run would, the store closed.
func readState(t *testing.T, w *world) *state.State {
	t.Helper()
	if w.backend != nil {
		return w.kept
	}
	st, err := state.Load(w.fs, w.dir)
	if err != nil {
		t.Fatalf("state.Load: %v", err)
	}
	return st
}
