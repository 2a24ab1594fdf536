package pg

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLockRefusalNamesTheHolder(t *testing.T) {
	db, _ := openTest(t)
	s1 := lockTest(t, db, "default")
	_, err := db.Lock(testCtx(t), "default", LockOptions{})
	var locked *LockedError
	if !errors.As(err, &locked) || !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock: got %v, want a *LockedError", err)
	}
	h := s1.Holder()
	if locked.Holder == nil || locked.Holder.ID != h.ID || locked.Holder.BackendPID != h.BackendPID {
		t.Fatalf("refusal names %+v, want %+v", locked.Holder, h)
	}
	for _, want := range []string{h.User + "@" + h.Host, "pid", h.ID, "force-unlock", "-lock-timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not say %q", err, want)
		}
	}
	// -lock-timeout: waiting a while for a holder that stays still ends in
	// the same refusal.
	_, err = db.Lock(testCtx(t), "default", LockOptions{Timeout: 300 * time.Millisecond})
	if !errors.As(err, &locked) {
		t.Fatalf("Lock with a timeout: got %v, want a *LockedError", err)
	}
}

// Workspaces, and the same workspace in two schemas, never share a lock.
func TestLockKeysDoNotCollide(t *testing.T) {
	db1, _ := openTest(t)
	db2, _ := openTest(t)
	lockTest(t, db1, "default")
	lockTest(t, db1, "staging")
	lockTest(t, db2, "default")
}

func TestLockReleasedByClose(t *testing.T) {
	db, _ := openTest(t)
	s1 := lockTest(t, db, "default")
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if h, err := db.Holder(testCtx(t), "default"); err != nil || h != nil {
		t.Fatalf("Holder after Close = %v, %v; want nobody", h, err)
	}
	lockTest(t, db, "default")
}

// A holder whose connection died has released the lock; the next taker
// gets it, and the dead one's writes and checks fail instead of landing.
func TestLockOfADeadHolderIsFree(t *testing.T) {
	db, _ := openTest(t)
	s1 := lockTest(t, db, "default")
	kill(t, db, s1)
	s2 := lockTest(t, db, "default")
	if h, _ := db.Holder(testCtx(t), "default"); h == nil || h.ID != s2.Holder().ID {
		t.Fatalf("Holder = %+v, want the new holder %s", h, s2.Holder().ID)
	}
	if err := s1.Check(testCtx(t)); !errors.Is(err, ErrLockLost) {
		t.Errorf("Check of the dead session: got %v, want ErrLockLost", err)
	}
	// Its writes go through the pool, which still works: the fence stops them.
	err := s1.PutImage(testCtx(t), Image{Addr: "image.a", Output: "a.png", SHA256: "aa", Fingerprint: "fa", GeneratedAt: time.Now()})
	if !errors.Is(err, ErrLockLost) {
		t.Errorf("PutImage of the dead session: got %v, want ErrLockLost", err)
	}
	if imgs, _ := db.Images(testCtx(t), "default"); len(imgs) != 0 {
		t.Errorf("the dead session's write landed: %+v", imgs)
	}
	if err := s1.Close(); err != nil {
		t.Errorf("Close of the dead session: %v", err)
	}
	if h, _ := db.Holder(testCtx(t), "default"); h == nil || h.ID != s2.Holder().ID {
		t.Errorf("the dead session's Close removed the new holder's row: %+v", h)
	}
}

// -lock-timeout waits for the holder to finish.
func TestLockWaitsForTheHolder(t *testing.T) {
	db, _ := openTest(t)
	s1 := lockTest(t, db, "default")
	got := make(chan error, 1)
	go func() {
		s, err := db.Lock(testCtx(t), "default", LockOptions{Timeout: time.Minute})
		if err == nil {
			s.Close()
		}
		got <- err
	}()
	// The waiter finds the lock held until the holder leaves: wait until
	// it has polled at least once (its connection shows in pg_stat_activity
	// with that query), then release.
	for {
		var n int
		err := db.pool.QueryRow(testCtx(t), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> $1 AND pid <> pg_backend_pid()
			AND query LIKE '%pg_try_advisory_lock%'`, s1.Holder().BackendPID).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	s1.Close()
	if err := <-got; err != nil {
		t.Fatalf("the waiting Lock: %v", err)
	}
}

func TestForceUnlock(t *testing.T) {
	db, _ := openTest(t)
	s1 := lockTest(t, db, "default")
	if _, err := db.ForceUnlock(testCtx(t), "default", "not-the-id"); err == nil || !strings.Contains(err.Error(), s1.Holder().ID) {
		t.Fatalf("ForceUnlock with a wrong ID: got %v, want a refusal naming the holder", err)
	}
	h, err := db.ForceUnlock(testCtx(t), "default", s1.Holder().ID)
	if err != nil {
		t.Fatalf("ForceUnlock: %v", err)
	}
	if h.ID != s1.Holder().ID || h.PID != s1.Holder().PID {
		t.Errorf("ForceUnlock named %+v, want %+v", h, s1.Holder())
	}
	lockTest(t, db, "default")
	if err := s1.Check(testCtx(t)); !errors.Is(err, ErrLockLost) {
		t.Errorf("Check after force-unlock: got %v, want ErrLockLost", err)
	}
	if _, err := db.ForceUnlock(testCtx(t), "other", "x"); err == nil || !strings.Contains(err.Error(), "not locked") {
		t.Errorf("ForceUnlock of an unlocked workspace: got %v", err)
	}
}
