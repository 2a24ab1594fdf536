package executor_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/provider/offline"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// unknownTask is a well-formed task id the fake never issued.
const unknownTask = "ta000000-0000-0000-0000-000000000000"

// recordPending records what an earlier apply left in flight for a: its
// intent and, unless id is empty, the task id it learnt at submittedAt.
func recordPending(t *testing.T, w *world, a *spec.Asset, fingerprint, id string, submittedAt time.Time) {
	t.Helper()
	pend := pendingOf(a, fingerprint, submittedAt)
	if err := w.store.RecordIntent(pend); err != nil {
		t.Fatalf("RecordIntent: %v", err)
	}
	if id == "" {
		return
	}
	if err := w.store.RecordSubmitted(a.Addr, id, submittedAt); err != nil {
		t.Fatalf("RecordSubmitted: %v", err)
	}
}

func pendingOf(a *spec.Asset, fingerprint string, at time.Time) state.Pending {
	return state.Pending{Addr: a.Addr, Fingerprint: fingerprint, Provider: a.Provider, Model: a.Model, IntentAt: at}
}

// submit submits a's request to the fake as an earlier apply did.
func submit(t *testing.T, c provider.Provider, a *spec.Asset) string {
	t.Helper()
	id, err := c.Submit(context.Background(), provider.Request{Model: a.Model, Prompt: a.Prompt})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return id
}

func TestResumeRecordedTask(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	srv, client := newFake(t, fakeapi.Options{})
	a := img("defapi", "lighthouse", "A lighthouse in fog")
	fresh := img("defapi", "boat", "A small boat")
	assets := []*spec.Asset{a, fresh}
	id := submit(t, client, a)
	recordPending(t, w, a, w.plan(assets).Change(a.Addr).Fingerprint, id, time.Now())
	w.reopen() // the apply that recorded it ended

	sum, rec := w.apply(context.Background(), w.plan(assets), client, executor.Options{})
	if diff := cmp.Diff(tally{Generated: 2}, tallyOf(sum)); diff != "" {
		t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
	}
	if got := rec.of(executor.EventResumed, a.Addr); len(got) != 1 || got[0].TaskID != id {
		t.Errorf("resumed events of %s: got %+v, want one for task %s", a.Addr, got, id)
	}
	if got := rec.of(executor.EventSubmitted, a.Addr); len(got) != 0 {
		t.Errorf("submitted events of %s: got %+v, want none", a.Addr, got)
	}
	for _, tc := range []struct {
		a    *spec.Asset
		want int
	}{{a, 1}, {fresh, 1}} {
		if got := srv.SubmitCount(tc.a.Prompt); got != tc.want {
			t.Errorf("%s: got %d submissions, want %d", tc.a.Addr, got, tc.want)
		}
	}
	w.landed(a)
	w.landed(fresh)
	st := w.store.State()
	if got := st.Assets[a.Addr].TaskID; got != id {
		t.Errorf("%s: state task id %q, want %q", a.Addr, got, id)
	}
	if len(st.Pending) != 0 {
		t.Errorf("pending: got %v, want none", st.Pending)
	}
}

func TestResumeIntentWithoutTaskID(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	srv, client := newFake(t, fakeapi.Options{})
	a := img("defapi", "crash", "A vase, mid-fall")
	recordPending(t, w, a, w.plan([]*spec.Asset{a}).Change(a.Addr).Fingerprint, "", time.Now())
	w.reopen()

	sum, rec := w.apply(context.Background(), w.plan([]*spec.Asset{a}), client, executor.Options{})
	if diff := cmp.Diff(tally{Generated: 1}, tallyOf(sum)); diff != "" {
		t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
	}
	warn := rec.of(executor.EventWarning, a.Addr)
	if len(warn) != 1 || !strings.Contains(warn[0].Message, "may have accepted") {
		t.Errorf("warnings of %s: got %+v, want one saying the earlier submission may have been accepted", a.Addr, warn)
	}
	if got := srv.SubmitCount(a.Prompt); got != 1 {
		t.Errorf("submissions: got %d, want 1", got)
	}
	w.landed(a)
}

func TestNotFoundGrace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fake  fakeapi.Options
		grace time.Duration
		// pending returns the task an earlier apply recorded, "" for none.
		pending     func(t *testing.T, c provider.Provider, a *spec.Asset) (string, time.Time)
		wantWarning bool // the task was taken as lost and submitted again
		wantSubmits int  // in all, the earlier apply's included
	}{{
		name:        "fresh task not visible yet",
		fake:        fakeapi.Options{RegistrationLag: 300 * time.Millisecond},
		wantSubmits: 1,
	}, {
		name: "recorded task not visible yet",
		fake: fakeapi.Options{RegistrationLag: 300 * time.Millisecond},
		pending: func(t *testing.T, c provider.Provider, a *spec.Asset) (string, time.Time) {
			return submit(t, c, a), time.Now()
		},
		wantSubmits: 1,
	}, {
		name: "unknown task recorded long ago",
		pending: func(*testing.T, provider.Provider, *spec.Asset) (string, time.Time) {
			return unknownTask, time.Now().Add(-time.Hour)
		},
		wantWarning: true,
		wantSubmits: 1,
	}, {
		name:  "unknown task recorded now, still unknown after the grace",
		grace: 200 * time.Millisecond,
		pending: func(*testing.T, provider.Provider, *spec.Asset) (string, time.Time) {
			return unknownTask, time.Now()
		},
		wantWarning: true,
		wantSubmits: 1,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			srv, client := newFake(t, tc.fake)
			a := img("defapi", "ghost", "A ghost ship")
			if tc.pending != nil {
				id, at := tc.pending(t, client, a)
				recordPending(t, w, a, w.plan([]*spec.Asset{a}).Change(a.Addr).Fingerprint, id, at)
				w.reopen()
			}
			sum, rec := w.apply(context.Background(), w.plan([]*spec.Asset{a}), client, executor.Options{NotFoundGrace: tc.grace})
			if diff := cmp.Diff(tally{Generated: 1}, tallyOf(sum)); diff != "" {
				t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
			}
			w.landed(a)
			if got := srv.SubmitCount(a.Prompt); got != tc.wantSubmits {
				t.Errorf("submissions: got %d, want %d", got, tc.wantSubmits)
			}
			var lost []string
			for _, ev := range rec.of(executor.EventWarning, a.Addr) {
				if strings.Contains(ev.Message, "still unknown") && strings.Contains(ev.Message, unknownTask) {
					lost = append(lost, ev.Message)
				}
			}
			if got := len(lost) == 1; got != tc.wantWarning {
				t.Errorf("warnings that the task was lost: got %q, want one: %v", lost, tc.wantWarning)
			}
			if tc.pending != nil && rec.index(executor.EventResumed, a.Addr) < 0 {
				t.Errorf("no resumed event for the recorded task")
			}
		})
	}
}

func TestInterruptAndResume(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2} {
		t.Run(map[int]string{1: "one image", 2: "two images, one in flight"}[n], func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			srv, client := newFake(t, fakeapi.Options{TaskLatency: 400 * time.Millisecond})
			assets := []*spec.Asset{img("defapi", "a", "First of a pair"), img("defapi", "b", "Second of a pair")}[:n]
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var once sync.Once
			var first executor.Event
			stop := func(ev executor.Event) {
				if ev.Kind == executor.EventSubmitted {
					once.Do(func() { first = ev; cancel() })
				}
			}
			sum, rec := w.apply(ctx, w.plan(assets), client, executor.Options{Parallelism: 1, OnEvent: stop})
			if diff := cmp.Diff(tally{Skipped: n, Stopped: true}, tallyOf(sum)); diff != "" {
				t.Errorf("summary after Ctrl-C (-want +got):\n%s\nfailures: %v", diff, failures(sum))
			}
			if got := len(srv.Submissions()); got != 1 {
				t.Errorf("submissions before Ctrl-C: got %d, want 1", got)
			}
			if got := srv.Counts().Download; got != 0 || len(rec.of(executor.EventDone, "")) != 0 {
				t.Errorf("apply went on after Ctrl-C: %d downloads, done events %v", got, rec.of(executor.EventDone, ""))
			}
			pend := w.store.State().Pending[first.Addr]
			if pend == nil || pend.TaskID != first.TaskID || first.TaskID == "" {
				t.Fatalf("pending %s after Ctrl-C: got %+v, want task %q", first.Addr, pend, first.TaskID)
			}
			w.reopen()

			sum, rec = w.apply(context.Background(), w.plan(assets), client, executor.Options{})
			if diff := cmp.Diff(tally{Generated: n}, tallyOf(sum)); diff != "" {
				t.Fatalf("summary of the second apply (-want +got):\n%s\nfailures: %v", diff, failures(sum))
			}
			if got := rec.of(executor.EventResumed, first.Addr); len(got) != 1 || got[0].TaskID != first.TaskID {
				t.Errorf("resumed events: got %+v, want one for %s", got, first.TaskID)
			}
			if got := len(srv.Submissions()); got != n {
				t.Errorf("submissions in all: got %d, want %d", got, n)
			}
			for _, a := range assets {
				w.landed(a)
			}
			if pend := w.store.State().Pending; len(pend) != 0 {
				t.Errorf("pending: got %v, want none", pend)
			}
		})
	}
}

// interruptingService accepts a submission, and the user presses Ctrl-C
// while its answer is on the way.
type interruptingService struct {
	*offline.Provider
	cancel   context.CancelFunc
	accepted atomic.Int32
}

func (p *interruptingService) Submit(ctx context.Context, req provider.Request) (string, error) {
	id, err := p.Provider.Submit(ctx, req)
	if err != nil {
		return "", err
	}
	p.accepted.Add(1)
	p.cancel()
	if err := ctx.Err(); err != nil { // the answer is lost with the request
		return "", &provider.Error{Kind: provider.KindTransient, Op: "submit", Err: err, Ambiguous: true}
	}
	return id, nil
}

// A submission in flight at Ctrl-C may have been accepted (and charged):
// its task id must end up recorded, or at least its intent, so that the
// next apply resumes it or names it; never forgotten.
func TestInterruptDuringSubmit(t *testing.T) {
	t.Parallel()
	w := newMemWorld(t)
	a := img("offline", "cut", "A submission cut short")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	prov := &interruptingService{Provider: offline.New(), cancel: cancel}
	sum, _ := w.apply(ctx, w.plan([]*spec.Asset{a}), prov, executor.Options{})
	if diff := cmp.Diff(tally{Skipped: 1, Stopped: true}, tallyOf(sum)); diff != "" {
		t.Errorf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
	}
	if got := prov.accepted.Load(); got != 1 {
		t.Fatalf("the service accepted %d submissions, want 1", got)
	}
	pend := w.store.State().Pending[a.Addr]
	if pend == nil {
		t.Fatalf("pending %s after Ctrl-C: none, want the submission recorded", a.Addr)
	}
	w.reopen()

	sum, rec := w.apply(context.Background(), w.plan([]*spec.Asset{a}), prov.Provider, executor.Options{})
	if diff := cmp.Diff(tally{Generated: 1}, tallyOf(sum)); diff != "" {
		t.Fatalf("summary of the next apply (-want +got):\n%s\nfailures: %v", diff, failures(sum))
	}
	resumed := rec.index(executor.EventResumed, a.Addr) >= 0
	var named bool
	for _, ev := range rec.of(executor.EventWarning, a.Addr) {
		named = named || strings.Contains(ev.Message, "may have accepted")
	}
	if !resumed && !named {
		t.Errorf("the next apply neither resumed the task nor named the submission that may have been accepted: %+v", rec.all())
	}
	if pend.TaskID != "" && !resumed {
		t.Errorf("task %s was recorded but the next apply did not resume it", pend.TaskID)
	}
	if got := prov.accepted.Load(); got != 1 && resumed {
		t.Errorf("the service accepted %d submissions, want 1", got)
	}
}
