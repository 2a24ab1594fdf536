package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"
)

func TestLocked(t *testing.T) {
	fs := afero.NewMemMapFs()
	first := openStore(t, fs, "/spec")
	_, err := Open(fs, "/spec", LockOptions{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("got %v from a second Open, want ErrLocked", err)
	}
	var locked *LockedError
	if !errors.As(err, &locked) || locked.Holder == nil {
		t.Fatalf("got %v, want a *LockedError naming the holder", err)
	}
	h := first.Holder()
	if diff := cmp.Diff(&h, locked.Holder); diff != "" {
		t.Errorf("holder (-first +named):\n%s", diff)
	}
	host, _ := os.Hostname()
	for _, want := range []string{h.ID, fmt.Sprintf("pid %d", os.Getpid()), "host " + host, t0.Format(time.RFC3339),
		"wait for it", "-lock-timeout", "pixform force-unlock " + h.ID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got error %q, want it to contain %q", err, want)
		}
	}
	must(t, first.Close())
	if exists(t, fs, "/spec/"+LockFile) {
		t.Errorf("got a lock after Close, want it released")
	}
	must(t, openStore(t, fs, "/spec").Close())
}

func TestLockWait(t *testing.T) {
	fs := afero.NewMemMapFs()
	first := openStore(t, fs, "/spec")
	done := make(chan error)
	go func() {
		st, err := Open(fs, "/spec", LockOptions{Timeout: time.Hour})
		if err == nil {
			err = st.Close()
		}
		done <- err
	}()
	must(t, first.Close())
	must(t, <-done)
}

// writeHolder writes a lock file as another pixform would.
func writeHolder(t *testing.T, fs afero.Fs, dir string, h Holder) {
	t.Helper()
	b, err := json.Marshal(h)
	must(t, err)
	must(t, fs.MkdirAll(dir+"/.pixform", 0o755))
	must(t, afero.WriteFile(fs, dir+"/"+LockFile, b, 0o644))
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	return cmd.Process.Pid
}

func TestStaleLockTakenOver(t *testing.T) {
	fs := afero.NewOsFs()
	dir := t.TempDir()
	host, err := os.Hostname()
	if err != nil {
		t.Skip("no host name")
	}
	dead := Holder{ID: "dead-holder", PID: deadPID(t), Host: host, Started: t0}
	writeHolder(t, fs, dir, dead)

	st, err := Open(fs, dir, LockOptions{})
	if err != nil {
		t.Fatalf("got %v, want the dead holder's lock taken over", err)
	}
	if diff := cmp.Diff(&dead, st.TookOver()); diff != "" {
		t.Errorf("TookOver (-dead +got):\n%s", diff)
	}
	must(t, st.RecordDone(testAsset(0)))
	must(t, st.Close())
	if exists(t, fs, dir+"/"+LockFile) {
		t.Errorf("got a lock after Close")
	}
	s, err := Load(fs, dir)
	must(t, err)
	if len(s.Assets) != 1 {
		t.Errorf("got %d assets on disk, want 1", len(s.Assets))
	}
	if fi, err := fs.Stat(dir + "/" + StateFile); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("got state.json mode %v (%v), want 0644", fi.Mode(), err)
	}
}

func TestLockNotTakenOver(t *testing.T) {
	host, _ := os.Hostname()
	parentStart, _ := processStart(os.Getppid()) // as the live pixform that took the lock recorded it
	tests := []struct {
		name   string
		holder Holder
	}{
		{"dead pid on another host", Holder{ID: "remote", PID: deadPID(t), Host: host + "-elsewhere", Started: t0}},
		{"live pid on this host", Holder{ID: "alive", PID: os.Getppid(), Host: host, Started: t0, Process: parentStart}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := afero.NewOsFs()
			dir := t.TempDir()
			writeHolder(t, fs, dir, tt.holder)
			_, err := Open(fs, dir, LockOptions{})
			if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pixform force-unlock "+tt.holder.ID) {
				t.Fatalf("got %v, want ErrLocked with the force-unlock advice", err)
			}
			h, err := ForceUnlock(fs, dir, tt.holder.ID)
			must(t, err)
			if diff := cmp.Diff(&tt.holder, h); diff != "" {
				t.Errorf("ForceUnlock holder (-want +got):\n%s", diff)
			}
			must(t, openStore(t, fs, dir).Close())
		})
	}
}

func TestForceUnlock(t *testing.T) {
	fs := afero.NewMemMapFs()
	if _, err := ForceUnlock(fs, "/spec", "x"); err == nil || !strings.Contains(err.Error(), "not locked") {
		t.Errorf("got %v without a lock, want an error saying the state is not locked", err)
	}
	st := openStore(t, fs, "/spec")
	id := st.Holder().ID
	for _, wrong := range []string{"x", CorruptLockID} {
		if _, err := ForceUnlock(fs, "/spec", wrong); err == nil || !strings.Contains(err.Error(), "nothing was released") {
			t.Errorf("got %v for the wrong id %q, want an error", err, wrong)
		}
	}
	if !exists(t, fs, "/spec/"+LockFile) {
		t.Fatalf("got the lock removed by a wrong id")
	}
	h, err := ForceUnlock(fs, "/spec", id)
	must(t, err)
	if h.ID != id || h.PID != os.Getpid() {
		t.Errorf("got holder %v, want the store's", h)
	}

	// Another apply takes the lock: the first must neither write nor
	// release it.
	second := openStore(t, fs, "/spec")
	if err := st.RecordDone(testAsset(0)); err != nil {
		t.Fatalf("RecordDone: %v", err) // journaled; the fold is refused
	}
	if err := st.Close(); err == nil || !strings.Contains(err.Error(), "no longer owns the state") {
		t.Errorf("got %v from Close after losing the lock, want an error", err)
	}
	if held, err := readHolder(fs, "/spec/"+LockFile); err != nil || held.ID != second.Holder().ID {
		t.Errorf("got lock %v (%v), want the second apply's left in place", held, err)
	}
	must(t, second.Close())
}

func TestCorruptLock(t *testing.T) {
	for _, content := range []string{"", "{not json", `{"id": ""}`} {
		fs := afero.NewMemMapFs()
		must(t, afero.WriteFile(fs, "/spec/"+LockFile, []byte(content), 0o644))
		_, err := Open(fs, "/spec", LockOptions{})
		if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "is corrupt") ||
			!strings.Contains(err.Error(), "pixform force-unlock corrupt") || !strings.Contains(err.Error(), "edited by hand") {
			t.Errorf("lock %q: got %v, want ErrLocked saying the lock is corrupt and how to remove it", content, err)
		}
		if _, err := ForceUnlock(fs, "/spec", "someid"); err == nil || !strings.Contains(err.Error(), "force-unlock corrupt") {
			t.Errorf("lock %q: got %v from ForceUnlock with an id, want an error pointing at the corrupt id", content, err)
		}
		h, err := ForceUnlock(fs, "/spec", CorruptLockID)
		must(t, err)
		if h.ID != CorruptLockID {
			t.Errorf("got holder %v, want ID %q", h, CorruptLockID)
		}
		must(t, openStore(t, fs, "/spec").Close())
	}
}

// slowFs widens the windows of a takeover: it waits a little before each
// rename or removal of the lock file. Being a wrapper, it also takes the
// way of filesystems without hard links: the lock is created empty, then
// written, so a contender may move a half-written lock aside.
type slowFs struct{ afero.Fs }

func (f slowFs) Rename(from, to string) error {
	time.Sleep(time.Millisecond)
	return f.Fs.Rename(from, to)
}

func (f slowFs) Remove(name string) error {
	time.Sleep(time.Millisecond)
	return f.Fs.Remove(name)
}

// TestTakeoverRace lets two contenders take the same dead lock over at
// once, many times: each time exactly one holds the lock. (They run in one
// process, so each sees the winner's lock as alive: its pid is theirs.)
func TestTakeoverRace(t *testing.T) {
	fs := slowFs{afero.NewOsFs()}
	dir := t.TempDir()
	host, err := os.Hostname()
	if err != nil {
		t.Skip("no host name")
	}
	must(t, fs.MkdirAll(filePath(dir, stateDir), dirPerm))
	dead := deadPID(t)
	for round := range 50 {
		writeHolder(t, fs, dir, Holder{ID: fmt.Sprintf("dead-%d", round), PID: dead, Host: host, Started: t0})
		const contenders = 2
		won := make(chan *Holder, contenders)
		var wg sync.WaitGroup
		for range contenders {
			wg.Go(func() {
				if me, _, err := acquire(fs, dir, LockOptions{}); err == nil {
					won <- me
				}
			})
		}
		wg.Wait()
		close(won)
		var winners []*Holder
		for h := range won {
			winners = append(winners, h)
		}
		if len(winners) != 1 {
			t.Fatalf("round %d: %d contenders hold the lock, want exactly 1", round, len(winners))
		}
		must(t, release(fs, dir, winners[0].ID))
	}
}
