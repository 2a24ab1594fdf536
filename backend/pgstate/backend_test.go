package pgstate

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pixform/pixform/backend/pg"
	"github.com/pixform/pixform/internal/pgtest"
	"github.com/pixform/pixform/state"
)

var t0 = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

func asset(i int) state.Asset {
	return state.Asset{Addr: fmt.Sprintf("image.a%d", i), Output: fmt.Sprintf("a%d.png", i), SHA256: fmt.Sprintf("sha%d", i),
		Fingerprint: fmt.Sprintf("fp%d", i), Provider: "defapi", Model: "google/gempix2", Prompt: "p",
		Inputs: map[string]string{"prompt": "p"}, TaskID: fmt.Sprintf("task-%d", i), Consumed: 1.5, GeneratedAt: t0}
}

func pending(i int) state.Pending {
	return state.Pending{Addr: fmt.Sprintf("image.a%d", i), Fingerprint: fmt.Sprintf("fp%d", i), Provider: "defapi",
		Model: "google/gempix2", IntentAt: t0}
}

// script makes every kind of call of state.Backend, valid and not, and
// returns whether each failed.
func script(b state.Backend) []bool {
	var got []bool
	do := func(err error) { got = append(got, err != nil) }
	a0, a1, a2 := asset(0), asset(1), asset(2)
	do(b.RecordIntent(pending(0)))
	do(b.RecordIntent(state.Pending{}))
	do(b.RecordSubmitted(a0.Addr, "", t0))
	do(b.RecordSubmitted(a1.Addr, "task-1", t0))
	do(b.RecordSubmitted(a0.Addr, "task-0", t0))
	do(b.RecordUnsent(a0.Addr))
	do(b.RecordAmbiguous(a0.Addr))
	do(b.RecordCounted(a0.Addr))
	do(b.RecordCounted(a1.Addr))
	do(b.RecordDone(state.Asset{}))
	do(b.RecordDone(a0))
	do(b.RecordIntent(pending(1)))
	do(b.RecordAbandoned(a1.Addr))
	do(b.RecordIntent(pending(2)))
	do(b.RecordSubmitted(a2.Addr, "task-2", t0))
	do(b.RecordUnsent(a2.Addr))
	a1.Pick, a1.Sensitive, a1.Refs, a1.Ignored = "sha256:picked", true, []string{"refs/p.png"}, []string{"prompt"}
	do(b.RecordDone(a1))
	do(b.Move(a1.Addr, a0.Addr, ""))
	do(b.Move("image.none", "image.x", ""))
	do(b.Move(a1.Addr, "image.moved", "moved.png"))
	do(b.Move("image.moved", "image.moved", "moved2.png"))
	do(b.Forget(a0.Addr))
	do(b.Forget(a0.Addr))
	do(b.RecordDone(a0))
	do(b.RecordDone(a0)) // the same task again: counted once
	return got
}

// TestBackendIsMemory: the pg backend answers every call as state.Memory
// (the reference of what the calls mean) does, and what it wrote to
// PostgreSQL reads back as Memory's state: records, tasks in flight with
// their flags, credits counted once per task.
func TestBackendIsMemory(t *testing.T) {
	ctx := context.Background()
	_, schema := pgtest.New(t)
	db, err := pg.Open(ctx, pg.Options{Conn: pgtest.Base(t), Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := Open(ctx, db, "ws", pg.LockOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := state.NewMemory(nil)
	if diff := cmp.Diff(script(m), script(b)); diff != "" {
		t.Errorf("failed calls (-Memory +pg):\n%s", diff)
	}
	want := m.State()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := Load(ctx, db, "ws")
	if err != nil {
		t.Fatal(err)
	}
	want.Lineage, want.Serial, got.Lineage, got.Serial = "", 0, "", 0
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state read back (-Memory +pg):\n%s", diff)
	}
	if len(got.Assets) != 2 || len(got.Pending) != 1 || !got.Pending["image.a2"].Unsent || got.Models["google/gempix2"].Tasks != 3 {
		t.Errorf("got %d assets, %d pending, models %+v: the script did not run as written", len(got.Assets), len(got.Pending), got.Models)
	}
}

// TestBackendLocked: a second pixform on the same workspace is refused,
// naming the holder; another workspace is not.
func TestBackendLocked(t *testing.T) {
	ctx := context.Background()
	_, schema := pgtest.New(t)
	db, err := pg.Open(ctx, pg.Options{Conn: pgtest.Base(t), Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := Open(ctx, db, "ws", pg.LockOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := Open(ctx, db, "ws", pg.LockOptions{}, nil); err == nil {
		t.Fatal("second Open of a locked workspace: got no error")
	} else if want := "lock ID " + b.Holder().ID; !strings.Contains(err.Error(), want) {
		t.Errorf("got %q, want it to name the holder (%s)", err, want)
	}
	other, err := Open(ctx, db, "other", pg.LockOptions{}, nil)
	if err != nil {
		t.Fatalf("Open of another workspace: %v", err)
	}
	other.Close()
}
