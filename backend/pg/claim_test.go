package pg

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// Two appliers (two workspaces, two dedicated connections) race for the
// same fingerprints: each fingerprint is won exactly once.
func TestClaimRaceHasOneWinner(t *testing.T) {
	db, _ := openTest(t)
	a := lockTest(t, db, "default")
	b := lockTest(t, db, "staging")
	fps := []string{"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"}
	type result struct {
		won      bool
		existing Claim
	}
	res := make([][2]result, len(fps))
	var wg sync.WaitGroup
	for i, fp := range fps {
		for j, s := range []*Session{a, b} {
			wg.Go(func() {
				won, ex, err := s.Claim(testCtx(t), fp, ClaimOptions{})
				if err != nil {
					t.Error(err)
				}
				res[i][j] = result{won, ex}
			})
		}
	}
	wg.Wait()
	for i, r := range res {
		if r[0].won == r[1].won {
			t.Errorf("%s: won by a: %v, by b: %v; want exactly one winner", fps[i], r[0].won, r[1].won)
			continue
		}
		loser, winner := r[1], a
		if r[1].won {
			loser, winner = r[0], b
		}
		if loser.existing.Holder != "" && loser.existing.HolderID != winner.Holder().ID {
			t.Errorf("%s: the loser was told %+v, want the winner %s", fps[i], loser.existing, winner.Holder().ID)
		}
	}
	cs, err := db.Claims(testCtx(t))
	if err != nil || len(cs) != len(fps) {
		t.Errorf("Claims = %d rows, %v; want %d", len(cs), err, len(fps))
	}
}

// A live claim makes others wait; its completion sends them to the store;
// a released claim is free for the next.
func TestClaimLifecycle(t *testing.T) {
	db, _ := openTest(t)
	ctx := testCtx(t)
	a := lockTest(t, db, "default")
	b := lockTest(t, db, "staging")
	won, ex, err := a.Claim(ctx, "f", ClaimOptions{})
	if err != nil || !won || ex != (Claim{}) {
		t.Fatalf("first claim = %v, %+v, %v; want a fresh win", won, ex, err)
	}
	if err := a.SetTask(ctx, "f", "task-1"); err != nil {
		t.Fatal(err)
	}
	if won, _, _ := a.Claim(ctx, "f", ClaimOptions{}); !won {
		t.Error("claiming again a fingerprint held wins again")
	}
	won, ex, err = b.Claim(ctx, "f", ClaimOptions{})
	if err != nil || won || ex.HolderID != a.Holder().ID || ex.TaskID != "task-1" || ex.Workspace != "default" {
		t.Fatalf("claim of a live claim = %v, %+v, %v; want to wait on a's task-1", won, ex, err)
	}
	if err := b.SetTask(ctx, "f", "task-b"); !errors.Is(err, ErrNotClaimed) {
		t.Errorf("SetTask by a non-claimer: %v, want ErrNotClaimed", err)
	}
	if err := a.Complete(ctx, "f", "sha-f"); err == nil {
		t.Error("Complete with a generation missing from the index succeeded")
	}
	if err := db.AddGeneration(ctx, Generation{Fingerprint: "f", SHA256: "sha-f", TaskID: "task-1", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := a.Complete(ctx, "f", "sha-f"); err != nil {
		t.Fatal(err)
	}
	won, ex, err = b.Claim(ctx, "f", ClaimOptions{})
	if err != nil || won || ex.SHA256 != "sha-f" {
		t.Fatalf("claim of a completed fingerprint = %v, %+v, %v; want its sha from the store", won, ex, err)
	}
	// -replace: a new generation, although the store has one.
	won, ex, err = b.Claim(ctx, "f", ClaimOptions{New: true})
	if err != nil || !won || ex != (Claim{}) {
		t.Fatalf("claim for a new generation = %v, %+v, %v; want a fresh win", won, ex, err)
	}
	if err := b.Release(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	if err := b.Release(ctx, "f"); !errors.Is(err, ErrNotClaimed) {
		t.Errorf("second Release: %v, want ErrNotClaimed", err)
	}
	won, ex, err = a.Claim(ctx, "g", ClaimOptions{})
	if err != nil || !won {
		t.Fatal(won, err)
	}
	if err := a.Release(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	if won, ex, err = b.Claim(ctx, "g", ClaimOptions{}); err != nil || !won || ex != (Claim{}) {
		t.Errorf("claim of a released fingerprint = %v, %+v, %v; want a fresh win", won, ex, err)
	}
}

// A claimer that died (its connection is gone) has released its claim: the
// next claimer takes it over and is told the task id to resume, instead of
// submitting again.
func TestDeadClaimerIsResumedByTaskID(t *testing.T) {
	db, _ := openTest(t)
	ctx := testCtx(t)
	a := lockTest(t, db, "default")
	b := lockTest(t, db, "staging")
	for _, fp := range []string{"with-task", "intent-only"} {
		if won, _, err := a.Claim(ctx, fp, ClaimOptions{}); !won || err != nil {
			t.Fatal(won, err)
		}
	}
	if err := a.SetTask(ctx, "with-task", "task-7"); err != nil {
		t.Fatal(err)
	}
	kill(t, db, a)
	if cs, _ := db.Claims(ctx); len(cs) != 0 {
		t.Errorf("Claims lists a dead claimer's rows: %+v", cs)
	}
	won, ex, err := b.Claim(ctx, "with-task", ClaimOptions{})
	if err != nil || !won || ex.TaskID != "task-7" || ex.HolderID != a.Holder().ID {
		t.Fatalf("claim of a dead claim = %v, %+v, %v; want it won, with task-7 to resume", won, ex, err)
	}
	won, ex, err = b.Claim(ctx, "intent-only", ClaimOptions{})
	if err != nil || !won || ex.HolderID != a.Holder().ID || ex.TaskID != "" {
		t.Fatalf("claim of a dead claim without task = %v, %+v, %v; want it won, naming the dead claimer", won, ex, err)
	}
	// The takeover is b's now: the task id it resumes is kept in the row.
	cs, err := db.Claims(ctx)
	if err != nil || len(cs) != 2 || cs[1].HolderID != b.Holder().ID || cs[1].TaskID != "task-7" {
		t.Errorf("Claims after takeover = %+v, %v", cs, err)
	}
	if err := a.SetTask(ctx, "with-task", "task-8"); !errors.Is(err, ErrLockLost) {
		t.Errorf("SetTask by the dead claimer: %v, want ErrLockLost", err)
	}
}

// A claimer that died after its image reached the store, before Complete:
// the next one takes it from the store.
func TestDeadClaimerWithAGenerationIsRestored(t *testing.T) {
	db, _ := openTest(t)
	ctx := testCtx(t)
	a := lockTest(t, db, "default")
	b := lockTest(t, db, "staging")
	if won, _, err := a.Claim(ctx, "f", ClaimOptions{}); !won || err != nil {
		t.Fatal(won, err)
	}
	if err := db.AddGeneration(ctx, Generation{Fingerprint: "f", SHA256: "sha-f", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	kill(t, db, a)
	won, ex, err := b.Claim(ctx, "f", ClaimOptions{})
	if err != nil || won || ex.SHA256 != "sha-f" {
		t.Fatalf("claim = %v, %+v, %v; want sha-f from the store", won, ex, err)
	}
}

// A second applier that needs a fingerprint in flight elsewhere waits for
// it and takes it from the store.
func TestAwaitTakesTheOtherClaimersGeneration(t *testing.T) {
	db, _ := openTest(t)
	ctx := testCtx(t)
	a := lockTest(t, db, "default")
	b := lockTest(t, db, "staging")
	if won, _, err := a.Claim(ctx, "f", ClaimOptions{}); !won || err != nil {
		t.Fatal(won, err)
	}
	type answer struct {
		won bool
		ex  Claim
		err error
	}
	got := make(chan answer, 1)
	go func() {
		won, ex, err := b.Await(ctx, "f", ClaimOptions{}, 100*time.Millisecond)
		got <- answer{won, ex, err}
	}()
	if err := a.SetTask(ctx, "f", "task-1"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddGeneration(ctx, Generation{Fingerprint: "f", SHA256: "sha-f", TaskID: "task-1", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := a.Complete(ctx, "f", "sha-f"); err != nil {
		t.Fatal(err)
	}
	r := <-got
	if r.err != nil || r.won || r.ex.SHA256 != "sha-f" {
		t.Errorf("Await = %v, %+v, %v; want sha-f from the store", r.won, r.ex, r.err)
	}
}
