package executor_test

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/provider/offline"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

func TestApplyLands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		mem     bool
		backend bool             // the state in another backend than the local directory
		fake    *fakeapi.Options // nil: the offline provider
	}{
		{name: "offline on a memory fs", mem: true},
		{name: "offline on another backend", backend: true},
		{name: "defapi on another backend", backend: true, fake: &fakeapi.Options{}},
		{name: "offline on the OS fs"},
		{name: "defapi result as URL", fake: &fakeapi.Options{}},
		{name: "defapi result as data URI, single object, status steps", fake: &fakeapi.Options{
			ResultForm: "datauri", ObjectResult: true, StatusSteps: true, TaskLatency: 30 * time.Millisecond,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			if tc.mem {
				w = newMemWorld(t)
			}
			if tc.backend {
				w = newBackendWorld(t)
			}
			var prov provider.Provider = offline.New()
			var srv *fakeapi.Server
			if tc.fake != nil {
				srv, prov = newFake(t, *tc.fake)
			}
			kind := prov.Kind()
			assets := []*spec.Asset{
				img(kind, "logo", "A banana-shaped rocket logo"),
				img(kind, "hero", "Full-body knight sprite"),
				img(kind, "bg", "A castle wall at dusk"),
			}
			assets[2].AspectRatio = "16:9"
			p := w.plan(assets)
			sum, rec := w.apply(context.Background(), p, prov, executor.Options{})
			if diff := cmp.Diff(tally{Generated: 3}, tallyOf(sum)); diff != "" {
				t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
			}
			var want []state.LockImage
			for _, a := range assets {
				data := w.landed(a)
				fp := p.Change(a.Addr).Fingerprint
				if fp == "" {
					t.Fatalf("%s: the plan has no fingerprint", a.Addr)
				}
				want = append(want, state.LockImage{Addr: a.Addr, Output: a.Output, SHA256: sha(data), Fingerprint: fp, Model: planner.RecordedModel(a)})
				if rec.index(executor.EventDone, a.Addr) < 0 {
					t.Errorf("%s: no done event", a.Addr)
				}
				if srv == nil {
					continue
				}
				if !bytes.Equal(data, srv.ImagePNG(a.Prompt)) {
					t.Errorf("%s: the file is not the image the API served", a.Addr)
				}
				if got := srv.SubmitCount(a.Prompt); got != 1 {
					t.Errorf("%s: got %d submissions, want 1", a.Addr, got)
				}
			}
			if srv != nil && sum.Consumed != 1.5 {
				t.Errorf("consumed: got %v, want 1.5", sum.Consumed)
			}
			if pend := w.store.State().Pending; len(pend) != 0 {
				t.Errorf("pending after apply: got %v, want none", pend)
			}
			w.close()

			lock, err := state.ReadLock(w.fs, w.dir)
			if err != nil {
				t.Fatal(err)
			}
			sort.Slice(want, func(i, j int) bool { return want[i].Addr < want[j].Addr })
			if diff := cmp.Diff(want, lock.Images); diff != "" {
				t.Errorf("lockfile (-want +got):\n%s", diff)
			}
			st := readState(t, w)
			for _, li := range want {
				if got := st.Assets[li.Addr]; got == nil || got.Fingerprint != li.Fingerprint || got.SHA256 != li.SHA256 {
					t.Errorf("state.json %s: got %+v, want fingerprint %s and sha256 %s", li.Addr, got, li.Fingerprint, li.SHA256)
				}
			}
			w.open()
			if p := w.plan(assets); p.HasChanges() {
				t.Errorf("the plan after apply has changes: %+v", p.Changes)
			}
		})
	}
}

func TestApplyDAGOrder(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	srv, client := newFake(t, fakeapi.Options{})
	up := img("defapi", "apple", "A red apple on a table")
	down := refTo(img("defapi", "sliced", "The same apple, sliced"), up)
	side := img("defapi", "pear", "An unrelated pear")
	assets := []*spec.Asset{up, down, side}
	p := w.plan(assets)
	if got := p.Change(down.Addr).Action; got != planner.Create {
		t.Fatalf("plan of %s: got %s, want create", down.Addr, got)
	}
	sum, rec := w.apply(context.Background(), p, client, executor.Options{})
	if diff := cmp.Diff(tally{Generated: 3}, tallyOf(sum)); diff != "" {
		t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
	}
	done, start := rec.index(executor.EventDone, up.Addr), rec.index(executor.EventStart, down.Addr)
	if done < 0 || start < 0 || start < done {
		t.Errorf("events: %s started at %d, %s done at %d; want the start after the done", down.Addr, start, up.Addr, done)
	}
	upData := w.landed(up)
	w.landed(down)
	w.landed(side)

	var got []string
	for _, s := range srv.Submissions() {
		if s.Prompt == down.Prompt {
			got = append(got, s.Images...)
		}
	}
	if diff := cmp.Diff([]string{provider.DataURI("image/png", upData)}, got); diff != "" {
		t.Errorf("reference images sent for %s (-want +got):\n%s", down.Addr, diff)
	}
	in := planner.Inputs(down, []string{"asset:" + sha(upData)})
	rec2 := w.store.State().Assets[down.Addr]
	if rec2 == nil || rec2.Fingerprint != planner.Fingerprint(in) {
		t.Errorf("%s: state fingerprint %+v, want the one of its upstream's output %s", down.Addr, rec2, planner.Fingerprint(in))
	}
	if p := w.plan(assets); p.HasChanges() {
		t.Errorf("the plan after apply has changes: %+v", p.Changes)
	}
}

func TestApplyFailureIsolation(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	srv, client := newFake(t, fakeapi.Options{})
	bad := img("defapi", "bad", "A forbidden subject")
	child := refTo(img("defapi", "child", "The forbidden subject, closer"), bad)
	grandchild := refTo(img("defapi", "grandchild", "Closer still"), child)
	chat := img("defapi", "chat", "Describe a sunset")
	good := img("defapi", "good", "A harmless daisy")
	srv.FailPrompt(bad.Prompt, "content policy violation")
	srv.TextPrompt(chat.Prompt, "I would rather describe it in words")

	sum, rec := w.apply(context.Background(), w.plan([]*spec.Asset{bad, child, grandchild, chat, good}), client, executor.Options{})
	if diff := cmp.Diff(tally{Generated: 1, Failed: 2, Skipped: 2}, tallyOf(sum)); diff != "" {
		t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
	}
	fails := failures(sum)
	for addr, want := range map[string]string{bad.Addr: "content policy violation", chat.Addr: "I would rather describe it in words"} {
		if !strings.Contains(fails[addr], want) {
			t.Errorf("failure of %s: got %q, want it to contain %q", addr, fails[addr], want)
		}
		if got := rec.of(executor.EventFailed, addr); len(got) != 1 || !strings.Contains(got[0].Message, want) {
			t.Errorf("failed events of %s: got %+v, want one saying %q", addr, got, want)
		}
	}
	for addr, upstream := range map[string]string{child.Addr: bad.Addr, grandchild.Addr: child.Addr} {
		got := rec.of(executor.EventSkipped, addr)
		if len(got) != 1 || !strings.Contains(got[0].Message, upstream) {
			t.Errorf("skipped events of %s: got %+v, want one naming %s", addr, got, upstream)
		}
		if rec.index(executor.EventStart, addr) >= 0 {
			t.Errorf("%s started though %s did not land", addr, upstream)
		}
		if n := srv.SubmitCount(map[string]string{child.Addr: child.Prompt, grandchild.Addr: grandchild.Prompt}[addr]); n != 0 {
			t.Errorf("%s: got %d submissions, want 0", addr, n)
		}
	}
	w.landed(good)
	for _, a := range []*spec.Asset{bad, child, grandchild, chat} {
		if w.exists(a.Output) {
			t.Errorf("%s: %s exists, want no file", a.Addr, a.Output)
		}
	}
	st := w.store.State()
	if len(st.Assets) != 1 || len(st.Pending) != 0 {
		t.Errorf("state: got assets %v and pending %v, want only %s and nothing pending", st.Assets, st.Pending, good.Addr)
	}
}

func TestApplyMaxCredits(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	srv, client := newFake(t, fakeapi.Options{Consumed: "0.500000"})
	var assets []*spec.Asset
	for i := range 5 {
		assets = append(assets, img("defapi", fmt.Sprintf("row%d", i), fmt.Sprintf("Tile number %d", i)))
	}
	sum, rec := w.apply(context.Background(), w.plan(assets), client, executor.Options{Parallelism: 1, MaxCredits: 1})
	if diff := cmp.Diff(tally{Generated: 2, Skipped: 3, Stopped: true}, tallyOf(sum)); diff != "" {
		t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
	}
	if got := len(srv.Submissions()); got != 2 {
		t.Errorf("submissions: got %d, want 2", got)
	}
	if sum.Consumed != 1 {
		t.Errorf("consumed: got %v, want 1", sum.Consumed)
	}
	for _, ev := range rec.of(executor.EventSkipped, "") {
		if !strings.Contains(ev.Message, "-max-credits") {
			t.Errorf("skipped event of %s: got %q, want it to name -max-credits", ev.Addr, ev.Message)
		}
	}
	if pend := w.store.State().Pending; len(pend) != 0 {
		t.Errorf("pending: got %v, want none (nothing unsubmitted is recorded)", pend)
	}
}

func TestApplyParallelismBound(t *testing.T) {
	t.Parallel()
	const limit = 3
	w := newWorld(t)
	srv, client := newFake(t, fakeapi.Options{TaskLatency: 100 * time.Millisecond})
	var assets []*spec.Asset
	for i := range 9 {
		assets = append(assets, img("defapi", fmt.Sprintf("tile%d", i), fmt.Sprintf("Floor tile %d", i)))
	}
	var mu sync.Mutex
	inFlight, most := 0, 0
	count := func(ev executor.Event) {
		mu.Lock()
		defer mu.Unlock()
		// A task is in flight from its image's start until its final
		// status is seen, which comes before its slot is let go.
		switch {
		case ev.Kind == executor.EventStart:
			inFlight++
			most = max(most, inFlight)
		case ev.Kind == executor.EventStatus && (ev.Status == "success" || ev.Status == "failed"):
			inFlight--
		}
	}
	sum, _ := w.apply(context.Background(), w.plan(assets), client, executor.Options{Parallelism: limit, OnEvent: count})
	if diff := cmp.Diff(tally{Generated: 9}, tallyOf(sum)); diff != "" {
		t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
	}
	if most > limit {
		t.Errorf("images in flight at once: got %d, want at most %d", most, limit)
	}
	if most < 2 { // each task takes 100ms to finish: nine of them never run one by one
		t.Errorf("images in flight at once: got %d, want the images to overlap", most)
	}
	if got := len(srv.Submissions()); got != 9 {
		t.Errorf("submissions: got %d, want 9", got)
	}
}

// TestApplyDownloadFreesSlot shows that -parallelism counts tasks at the
// service: once a task is final, its download does not hold back the next
// submission.
func TestApplyDownloadFreesSlot(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	srv, client := newFake(t, fakeapi.Options{})
	srv.Inject(fakeapi.Fault{Op: "download", Kind: "slow", Delay: 2 * time.Second, Times: 1})
	assets := []*spec.Asset{img("defapi", "a", "Red door"), img("defapi", "b", "Blue door")}
	var mu sync.Mutex
	var order []string
	record := func(ev executor.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch ev.Kind {
		case executor.EventSubmitted, executor.EventDone:
			order = append(order, string(ev.Kind)+" "+ev.Addr)
		}
	}
	sum, _ := w.apply(context.Background(), w.plan(assets), client, executor.Options{Parallelism: 1, OnEvent: record})
	if diff := cmp.Diff(tally{Generated: 2}, tallyOf(sum)); diff != "" {
		t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
	}
	// The first image's download is slow: the second is submitted before
	// the first is done.
	if len(order) != 4 || order[1] == "done "+strings.TrimPrefix(order[0], "submitted ") {
		t.Errorf("events: got %q, want the second submission before the first image is done", order)
	}
}
