package cli

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pixform/pixform/state"
)

// TestCopyStatePending: state push/pull copy tasks in flight with their
// task ids and flags, twice without a change, and keep a destination's
// other task for the same image, naming it.
func TestCopyStatePending(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	src := state.New()
	src.Pending["image.a"] = &state.Pending{Addr: "image.a", Fingerprint: "f", Model: "m", TaskID: "t-a", IntentAt: at, SubmittedAt: at, Unsent: true, Counted: true, Ambiguous: true}
	src.Pending["image.b"] = &state.Pending{Addr: "image.b", Fingerprint: "f", Model: "m", IntentAt: at}
	src.Pending["image.c"] = &state.Pending{Addr: "image.c", Fingerprint: "f", Model: "m", TaskID: "t-c1", IntentAt: at, SubmittedAt: at}
	src.Assets["image.d"] = &state.Asset{Addr: "image.d", Output: "d.png", SHA256: "s", Fingerprint: "f", GeneratedAt: at}
	dst := state.NewMemory(nil)
	if err := dst.RecordIntent(state.Pending{Addr: "image.c", Fingerprint: "f", IntentAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := dst.RecordSubmitted("image.c", "t-c2", at); err != nil {
		t.Fatal(err)
	}
	r, err := copyState(src, dst)
	if err != nil || r.records != 1 || r.tasks != 2 || len(r.kept) != 1 {
		t.Fatalf("first copy: got %+v, %v; want 1 record, 2 tasks, image.c kept", r, err)
	}
	got := dst.State()
	want := *src.Pending["image.a"]
	if diff := cmp.Diff(&want, got.Pending["image.a"]); diff != "" {
		t.Errorf("image.a in flight (-want +got):\n%s", diff)
	}
	if got.Pending["image.c"].TaskID != "t-c2" || got.Pending["image.b"] == nil {
		t.Errorf("got %+v, %+v; want image.c's task t-c2 kept and image.b's intent copied", got.Pending["image.c"], got.Pending["image.b"])
	}
	r, err = copyState(src, dst)
	if err != nil || r.records != 0 || r.tasks != 0 || r.same != 3 {
		t.Fatalf("second copy: got %+v, %v; want nothing copied, 3 already there", r, err)
	}
}
