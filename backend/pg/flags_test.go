package pg

import (
	"testing"
	"time"
)

// TestPendingFlags: the flags of a task in flight round-trip, a new intent
// clears unsent and counted but keeps what it says of ambiguous, and
// forgetting an image forgets its task in flight, as the local state does.
func TestPendingFlags(t *testing.T) {
	db, _ := openTest(t)
	s := lockTest(t, db, "default")
	ctx := testCtx(t)
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	p := Pending{Addr: "image.a", Fingerprint: "f1", IntentAt: at}
	if err := s.PutIntent(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, f := range []PendingFlag{FlagUnsent, FlagAmbiguous, FlagCounted} {
		if err := s.SetPendingFlag(ctx, p.Addr, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetPendingFlag(ctx, p.Addr, "bogus"); err == nil {
		t.Error("SetPendingFlag(bogus) = nil, want an error")
	}
	ps, err := db.PendingTasks(ctx, "default")
	if err != nil || len(ps) != 1 || !ps[0].Unsent || !ps[0].Ambiguous || !ps[0].Counted {
		t.Fatalf("PendingTasks = %+v, %v; want image.a unsent, ambiguous, counted", ps, err)
	}
	p.Ambiguous = true
	if err := s.PutIntent(ctx, p); err != nil {
		t.Fatal(err)
	}
	ps, err = db.PendingTasks(ctx, "default")
	if err != nil || len(ps) != 1 || ps[0].Unsent || !ps[0].Ambiguous || ps[0].Counted {
		t.Fatalf("PendingTasks after a new intent = %+v, %v; want only ambiguous", ps, err)
	}
	if err := s.DeleteImage(ctx, p.Addr); err != nil {
		t.Fatal(err)
	}
	if ps, err := db.PendingTasks(ctx, "default"); err != nil || len(ps) != 0 {
		t.Fatalf("PendingTasks after DeleteImage = %+v, %v; want none", ps, err)
	}
}

// TestMoveOntoItself: a move that changes only the output path keeps the
// row (it used to delete it before renaming nothing).
func TestMoveOntoItself(t *testing.T) {
	db, _ := openTest(t)
	s := lockTest(t, db, "default")
	ctx := testCtx(t)
	if err := s.PutImage(ctx, Image{Addr: "image.a", Output: "a.png", SHA256: "s", Fingerprint: "f", GeneratedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveImage(ctx, "image.a", "image.a", "b.png"); err != nil {
		t.Fatal(err)
	}
	imgs, err := db.Images(ctx, "default")
	if err != nil || len(imgs) != 1 || imgs[0].Output != "b.png" {
		t.Fatalf("Images = %+v, %v; want image.a at b.png", imgs, err)
	}
}
