package executor_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

func TestAuthFailure(t *testing.T) {
	t.Parallel()
	const wrongKey = "dk-ffffffffffffffff"
	for _, parallelism := range []int{1, 10} {
		t.Run(map[int]string{1: "one at a time", 10: "ten at a time"}[parallelism], func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			srv, _ := newFake(t, fakeapi.Options{})
			client := newClient(t, srv, wrongKey)
			a, b, c := img("defapi", "a", "Tile A"), img("defapi", "b", "Tile B"), img("defapi", "c", "Tile C")
			d := refTo(img("defapi", "d", "Tile D, after A"), a)
			sum, rec := w.apply(context.Background(), w.plan([]*spec.Asset{a, b, c, d}), client, executor.Options{Parallelism: parallelism})
			if sum.Generated != 0 || sum.Failed+sum.Skipped != 4 || sum.Failed == 0 {
				t.Errorf("summary: got %+v, want every image failed or skipped, at least one failed", tallyOf(sum))
			}
			for _, f := range sum.Failures {
				if provider.KindOf(f.Err) != provider.KindAuth {
					t.Errorf("failure of %s: got %v, want a failure of kind auth (the CLI names the key's variable)", f.Addr, f.Err)
				}
			}
			if got := len(srv.Submissions()); got != 0 {
				t.Errorf("accepted submissions: got %d, want 0", got)
			}
			if got := srv.Counts().Submit; parallelism == 1 && got != 1 {
				t.Errorf("submit requests one at a time: got %d, want 1 (stop submitting after a 401)", got)
			}
			if pend := w.store.State().Pending; len(pend) != 0 {
				t.Errorf("pending: got %v, want none", pend)
			}
			w.close()
			stored := texts(sum, rec)
			for _, name := range []string{state.StateFile, state.LockfileName, state.JournalFile} {
				data, _ := afero.ReadFile(w.fs, w.path(name))
				stored = append(stored, string(data))
			}
			for _, key := range []string{wrongKey, srv.Key()} {
				for _, s := range stored {
					if strings.Contains(s, key) {
						t.Errorf("the key %s appears in %q", key, s)
					}
				}
			}
		})
	}
}

func TestBadRequest(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	srv, client := newFake(t, fakeapi.Options{RejectModels: []string{"google/nano-banana"}})
	model := img("defapi", "model", "A banana")
	model.Model = "google/nano-banana"
	ratio := img("defapi", "ratio", "A wide banana")
	ratio.AspectRatio = "7:3"
	good := img("defapi", "good", "A plain banana")
	sum, _ := w.apply(context.Background(), w.plan([]*spec.Asset{model, ratio, good}), client, executor.Options{})
	if diff := cmp.Diff(tally{Generated: 1, Failed: 2}, tallyOf(sum)); diff != "" {
		t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
	}
	fails := failures(sum)
	for addr, want := range map[string]string{model.Addr: "unsupported model: google/nano-banana", ratio.Addr: "invalid aspect_ratio: 7:3"} {
		if !strings.Contains(fails[addr], want) {
			t.Errorf("failure of %s: got %q, want the API's detail %q", addr, fails[addr], want)
		}
	}
	if got := srv.Counts().Submit; got != 3 {
		t.Errorf("submit requests: got %d, want 3 (a 400 is not retried)", got)
	}
	w.landed(good)
	if pend := w.store.State().Pending; len(pend) != 0 {
		t.Errorf("pending: got %v, want none", pend)
	}
}

func TestTransientFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		faults []fakeapi.Fault
		// wantSubmits is what the fake accepted in all for three images; a
		// submit whose answer was lost after it took effect pays twice.
		wantSubmits int
		wantWarning bool // the answer to a submission was lost
	}{
		{name: "submit 500", faults: []fakeapi.Fault{{Op: "submit", Kind: "status", Status: http.StatusInternalServerError, Times: 2}}, wantSubmits: 3},
		{name: "submit 429", faults: []fakeapi.Fault{{Op: "submit", Kind: "retry-after", RetryAfter: 1, Times: 2}}, wantSubmits: 3},
		{name: "submit dropped before it took effect", faults: []fakeapi.Fault{{Op: "submit", Kind: "drop", Times: 1}}, wantSubmits: 3, wantWarning: true},
		{name: "submit answer truncated after it took effect", faults: []fakeapi.Fault{{Op: "submit", Kind: "truncate", Times: 1}}, wantSubmits: 4, wantWarning: true},
		{name: "query 500", faults: []fakeapi.Fault{{Op: "query", Kind: "status", Status: http.StatusBadGateway, Times: 3}}, wantSubmits: 3},
		{name: "query truncated JSON", faults: []fakeapi.Fault{{Op: "query", Kind: "truncate", Times: 3}}, wantSubmits: 3},
		{name: "query dropped and cut", faults: []fakeapi.Fault{{Op: "query", Kind: "drop", Times: 2}, {Op: "query", Kind: "cut", Times: 1}}, wantSubmits: 3},
		{name: "download 500", faults: []fakeapi.Fault{{Op: "download", Kind: "status", Status: http.StatusInternalServerError, Times: 2}}, wantSubmits: 3},
		{name: "download dropped", faults: []fakeapi.Fault{{Op: "download", Kind: "drop", Times: 2}}, wantSubmits: 3},
		{name: "download cut mid-body", faults: []fakeapi.Fault{{Op: "download", Kind: "cut", Times: 2}}, wantSubmits: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			srv, client := newFake(t, fakeapi.Options{})
			for _, f := range tc.faults {
				srv.Inject(f)
			}
			assets := []*spec.Asset{img("defapi", "a", "Tile A"), img("defapi", "b", "Tile B"), img("defapi", "c", "Tile C")}
			sum, rec := w.apply(context.Background(), w.plan(assets), client, executor.Options{})
			if diff := cmp.Diff(tally{Generated: 3}, tallyOf(sum)); diff != "" {
				t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
			}
			for _, a := range assets {
				if !bytes.Equal(w.landed(a), srv.ImagePNG(a.Prompt)) {
					t.Errorf("%s: the file is not the image the API served", a.Addr)
				}
				if got := srv.SubmitCount(a.Prompt); got < 1 {
					t.Errorf("%s: got %d submissions, want at least 1", a.Addr, got)
				}
			}
			if got := len(srv.Submissions()); got != tc.wantSubmits {
				t.Errorf("submissions: got %d, want %d", got, tc.wantSubmits)
			}
			if got := len(rec.of(executor.EventWarning, "")) > 0; got != tc.wantWarning {
				t.Errorf("warnings: got %+v, want some: %v", rec.of(executor.EventWarning, ""), tc.wantWarning)
			}
			if got := w.strayTemps(); len(got) != 0 {
				t.Errorf("temp files left: %v", got)
			}
		})
	}
}

func TestBadResults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fake     fakeapi.Options
		fault    *fakeapi.Fault
		maxBytes int64
		wantErr  string // "" when the image lands after all
	}{
		{name: "not an image", fault: &fakeapi.Fault{Op: "download", Kind: "status", Status: http.StatusOK}, wantErr: "not a PNG, JPEG or WebP image"},
		{name: "truncated PNG", fault: &fakeapi.Fault{Op: "download", Kind: "truncate"}, wantErr: "truncated"},
		{name: "not an image once", fault: &fakeapi.Fault{Op: "download", Kind: "status", Status: http.StatusOK, Times: 1}},
		{name: "truncated PNG once", fault: &fakeapi.Fault{Op: "download", Kind: "truncate", Times: 1}},
		{name: "URL larger than the cap", maxBytes: 64, wantErr: "larger than 64 bytes"},
		{name: "data URI larger than the cap", fake: fakeapi.Options{ResultForm: "datauri"}, maxBytes: 64, wantErr: "larger than 64 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			srv, client := newFake(t, tc.fake)
			if tc.fault != nil {
				srv.Inject(*tc.fault)
			}
			a := img("defapi", "a", "A result to check")
			assets := []*spec.Asset{a}
			sum, _ := w.apply(context.Background(), w.plan(assets), client, executor.Options{MaxImageBytes: tc.maxBytes})
			if got := srv.SubmitCount(a.Prompt); got != 1 {
				t.Errorf("submissions: got %d, want 1", got)
			}
			if got := w.strayTemps(); len(got) != 0 {
				t.Errorf("temp files left: %v", got)
			}
			if tc.wantErr == "" {
				if diff := cmp.Diff(tally{Generated: 1}, tallyOf(sum)); diff != "" {
					t.Fatalf("summary (-want +got):\n%s\nfailures: %v", diff, failures(sum))
				}
				w.landed(a)
				return
			}
			if diff := cmp.Diff(tally{Failed: 1}, tallyOf(sum)); diff != "" {
				t.Fatalf("summary (-want +got):\n%s", diff)
			}
			if got := failures(sum)[a.Addr]; !strings.Contains(got, tc.wantErr) {
				t.Errorf("failure: got %q, want it to contain %q", got, tc.wantErr)
			}
			if w.exists(a.Output) {
				t.Errorf("%s exists after a bad result, want no file", a.Output)
			}
			st := w.store.State()
			if st.Assets[a.Addr] != nil || st.Pending[a.Addr] == nil || st.Pending[a.Addr].TaskID == "" {
				t.Fatalf("state: got asset %+v, pending %+v; want only the task kept pending", st.Assets[a.Addr], st.Pending[a.Addr])
			}
			if tc.fault == nil {
				return
			}
			// Once the service serves the image again, the next apply fetches
			// it without paying again.
			srv.ClearFaults()
			w.reopen()
			sum, rec := w.apply(context.Background(), w.plan(assets), client, executor.Options{MaxImageBytes: tc.maxBytes})
			if diff := cmp.Diff(tally{Generated: 1}, tallyOf(sum)); diff != "" {
				t.Fatalf("summary of the next apply (-want +got):\n%s\nfailures: %v", diff, failures(sum))
			}
			if rec.index(executor.EventResumed, a.Addr) < 0 || srv.SubmitCount(a.Prompt) != 1 {
				t.Errorf("the next apply did not resume the task: %d submissions, events %+v", srv.SubmitCount(a.Prompt), rec.all())
			}
			w.landed(a)
		})
	}
}
