package executor_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/provider/defapi"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// fullFs is a filesystem whose state directory fills up: once a journal
// line containing fillOn is written, every write under .pixform fails
// with ENOSPC (that line included) until full is cleared. The outputs
// live elsewhere and are still written.
type fullFs struct {
	afero.Fs
	mu     sync.Mutex
	fillOn string
	full   bool
}

func (f *fullFs) setFull(full bool) {
	f.mu.Lock()
	f.full = full
	f.mu.Unlock()
}

// fails reports whether a write of b to name fails.
func (f *fullFs) fails(name string, b []byte) bool {
	if !strings.Contains(name, string(os.PathSeparator)+".pixform"+string(os.PathSeparator)) {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fillOn != "" && bytes.Contains(b, []byte(f.fillOn)) {
		f.full = true
	}
	return f.full
}

func (f *fullFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil {
		return file, err
	}
	return &fullFile{file, f}, nil
}

func (f *fullFs) Create(name string) (afero.File, error) {
	return f.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

type fullFile struct {
	afero.File
	fs *fullFs
}

func enospc(op, name string) error { return &os.PathError{Op: op, Path: name, Err: syscall.ENOSPC} }

func (f *fullFile) Write(b []byte) (int, error) {
	if f.fs.fails(f.Name(), b) {
		return 0, enospc("write", f.Name())
	}
	return f.File.Write(b)
}

func (f *fullFile) WriteAt(b []byte, off int64) (int, error) {
	if f.fs.fails(f.Name(), b) {
		return 0, enospc("write", f.Name())
	}
	return f.File.WriteAt(b, off)
}

func (f *fullFile) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

// A task id the state cannot record (the disk is full) is awaited in
// memory, its image is downloaded, and the summary names it with the flag
// that lets the next apply resume it without paying again.
func TestUnrecordedTaskIsKept(t *testing.T) {
	t.Parallel()
	ffs := &fullFs{Fs: afero.NewOsFs(), fillOn: `"op":"submitted"`}
	w := openWorld(t, ffs, t.TempDir())
	srv, client := newFake(t, fakeapi.Options{})
	a, b := img("defapi", "a", "Tile A"), img("defapi", "b", "Tile B")
	assets := []*spec.Asset{a, b}
	sum, rec := w.apply(context.Background(), w.plan(assets), client, executor.Options{Parallelism: 1})
	ids := map[string]string{}
	for _, ev := range rec.of(executor.EventSubmitted, "") {
		ids[ev.Addr] = ev.TaskID
	}
	if len(ids) != 1 {
		t.Fatalf("submitted: got %v, want one task (the full disk refuses the next intent)", ids)
	}
	var want []executor.KnownTask
	for addr, id := range ids {
		want = append(want, executor.KnownTask{Addr: addr, TaskID: id})
		if msg := failures(sum)[addr]; !strings.Contains(msg, "-resume-task="+addr+"="+id) {
			t.Errorf("failure of %s: got %q, want it to name -resume-task=%s=%s", addr, msg, addr, id)
		}
	}
	got := append([]executor.KnownTask(nil), sum.Unrecorded...)
	for i := range got {
		if !errors.Is(got[i].Err, syscall.ENOSPC) {
			t.Errorf("unrecorded %s: got error %v, want ENOSPC", got[i].Addr, got[i].Err)
		}
		got[i].Err = nil
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("unrecorded tasks (-want +got):\n%s", diff)
	}
	if sum.Consumed != 0.5 {
		t.Errorf("consumed: got %v, want 0.5 (the task finished in this apply)", sum.Consumed)
	}
	var first *spec.Asset
	for _, x := range assets {
		if ids[x.Addr] != "" {
			first = x
		}
	}
	if !bytes.Equal(w.read(first.Output), srv.ImagePNG(first.Prompt)) {
		t.Errorf("%s: the task's image was not downloaded", first.Addr)
	}

	ffs.setFull(false) // space freed
	ffs.fillOn = ""
	w.reopen()
	sum, rec = w.apply(context.Background(), w.plan(assets), client, executor.Options{ResumeTasks: ids})
	if diff := cmp.Diff(tally{Generated: 2}, tallyOf(sum)); diff != "" {
		t.Fatalf("next apply (-want +got):\n%s\nfailures: %v", diff, failures(sum))
	}
	if got := srv.SubmitCount(first.Prompt); got != 1 {
		t.Errorf("%s: got %d submissions, want 1: -resume-task resumes the task", first.Addr, got)
	}
	if rec.index(executor.EventResumed, first.Addr) < 0 {
		t.Errorf("%s: not resumed; events %+v", first.Addr, rec.all())
	}
	if sum.Consumed != 0.5 || len(sum.Unrecorded) != 0 {
		t.Errorf("next apply: got %v credits and unrecorded %v, want 0.5 (image.b only) and none", sum.Consumed, sum.Unrecorded)
	}
	for _, x := range assets {
		w.landed(x)
	}
}

func TestResumeTaskNotPlanned(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, client := newFake(t, fakeapi.Options{})
	a := img("defapi", "a", "Tile A")
	p := w.plan([]*spec.Asset{a})
	opts := executor.Options{Fs: w.fs, Dir: w.dir, Store: w.store, Providers: map[string]provider.Provider{"defapi": client},
		ResumeTasks: map[string]string{"image.zz": "task-1"}}
	if _, err := executor.Apply(context.Background(), p, opts); err == nil || !strings.Contains(err.Error(), "-resume-task=image.zz=task-1") {
		t.Fatalf("got %v, want the flag refused, named", err)
	}
}

// A task's credits count once: in the apply that saw it final, not again
// in the apply that resumes it to fetch its image.
func TestCreditsCountOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	srv, client := newFake(t, fakeapi.Options{})
	srv.Inject(fakeapi.Fault{Op: "download", Kind: "status", Status: http.StatusOK})
	a := img("defapi", "a", "Tile A")
	sum, _ := w.apply(context.Background(), w.plan([]*spec.Asset{a}), client, executor.Options{})
	if sum.Failed != 1 || sum.Consumed != 0.5 {
		t.Fatalf("first apply: got %+v, %v credits; want the download failed after the task consumed 0.5", tallyOf(sum), sum.Consumed)
	}
	srv.ClearFaults()
	w.reopen()
	sum, rec := w.apply(context.Background(), w.plan([]*spec.Asset{a}), client, executor.Options{})
	if sum.Generated != 1 || sum.Consumed != 0 {
		t.Errorf("resuming apply: got %+v, %v credits; want the image, counted nothing again", tallyOf(sum), sum.Consumed)
	}
	if done := rec.of(executor.EventDone, a.Addr); len(done) != 1 || done[0].Consumed != 0 {
		t.Errorf("done event: got %+v, want 0 credits", done)
	}
	if m := readState(t, w).Models[a.Model]; m.Tasks != 1 || m.Consumed != 0.5 {
		t.Errorf("model stats: got %+v, want 1 task, 0.5 credits", m)
	}
}

// After an apply gave up on lost answers, the next one does not submit
// that image again unless told to.
func TestAmbiguousNeedsConsent(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	srv, client := newFake(t, fakeapi.Options{})
	srv.Inject(fakeapi.Fault{Op: "submit", Kind: "truncate", Times: 3})
	a := img("defapi", "a", "Tile A")
	assets := []*spec.Asset{a}
	sum, _ := w.apply(context.Background(), w.plan(assets), client, executor.Options{})
	msg := failures(sum)[a.Addr]
	if sum.Failed != 1 || strings.Contains(msg, "submit: submit:") || !strings.Contains(msg, "-resubmit-ambiguous") {
		t.Fatalf("first apply: got %+v, failure %q; want it failed, saying how to submit again, without a doubled prefix", tallyOf(sum), msg)
	}
	paid := len(srv.Submissions())
	w.reopen()
	if p := w.store.State().Pending[a.Addr]; p == nil || !p.Ambiguous {
		t.Fatalf("pending: got %+v, want the intent marked ambiguous", p)
	}
	sum, _ = w.apply(context.Background(), w.plan(assets), client, executor.Options{})
	if len(sum.Failures) != 1 || !errors.Is(sum.Failures[0].Err, executor.ErrAmbiguous) || !strings.Contains(sum.Failures[0].Err.Error(), "-replace="+a.Addr) {
		t.Fatalf("second apply: got failures %v, want %s refused, naming -replace=%s", failures(sum), a.Addr, a.Addr)
	}
	if got := len(srv.Submissions()); got != paid {
		t.Errorf("submissions: got %d, want still %d", got, paid)
	}
	sum, rec := w.apply(context.Background(), w.plan(assets), client, executor.Options{Resubmit: []string{a.Addr}})
	if sum.Generated != 1 || len(rec.of(executor.EventWarning, a.Addr)) == 0 {
		t.Fatalf("apply with -replace: got %+v, warnings %+v; want the image, with a warning", tallyOf(sum), rec.of(executor.EventWarning, a.Addr))
	}
	w.landed(a)
}

// A submission that only waited out a 429 was not accepted: while it
// waits, the state says so, and an apply that finds such an intent left
// by a killed apply submits without warning that it may pay twice.
func TestRateLimitedIsNotAccepted(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	srv := fakeapi.New(fakeapi.Options{})
	t.Cleanup(srv.Close)
	srv.Inject(fakeapi.Fault{Op: "submit", Kind: "retry-after", RetryAfter: 1, Times: 2})
	a := img("defapi", "a", "Tile A")
	var mu sync.Mutex
	var seen []bool // whether a's intent is marked unsent, at each sleep before its task id is known
	client, err := defapi.New(defapi.Config{
		BaseURL: srv.URL, APIKey: srv.Key(), RetryFor: 20 * time.Millisecond, RetryAttempts: 6,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: 10 * time.Millisecond,
		Sleep: func(ctx context.Context, d time.Duration) error {
			if p := w.store.State().Pending[a.Addr]; p == nil || p.TaskID == "" {
				mu.Lock()
				seen = append(seen, p != nil && p.Unsent)
				mu.Unlock()
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	sum, _ := w.apply(context.Background(), w.plan([]*spec.Asset{a}), client, executor.Options{})
	if sum.Generated != 1 {
		t.Fatalf("got %+v, want the image", tallyOf(sum))
	}
	mu.Lock()
	if len(seen) < 2 || slices.Contains(seen, false) {
		t.Errorf("intent marked unsent at each wait after a 429: got %v, want true at each, 2 at least", seen)
	}
	seen = nil // the next apply submits image.b only after a was recorded done
	mu.Unlock()

	// An intent left unsent by a killed apply: no warning.
	b := img("defapi", "b", "Tile B")
	must(t, w.store.RecordIntent(state.Pending{Addr: b.Addr, Fingerprint: "fp", Provider: "defapi", Model: b.Model}))
	must(t, w.store.RecordUnsent(b.Addr))
	w.reopen()
	sum, rec := w.apply(context.Background(), w.plan([]*spec.Asset{a, b}), client, executor.Options{})
	if sum.Generated != 1 || len(rec.of(executor.EventWarning, "")) != 0 {
		t.Errorf("got %+v, warnings %+v; want image.b generated without a warning", tallyOf(sum), rec.of(executor.EventWarning, ""))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
