package state

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// liveOther starts a process that is not pixform and returns its pid; it
// is killed when the test ends.
func liveOther(t *testing.T) int {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("pixform checks who a live pid is only on Linux")
	}
	cmd := exec.Command("sleep", "3600")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot run sleep: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd.Process.Pid
}

// TestLockOfReusedPIDTakenOver: a lock whose pid now names another
// process (one that is not the pixform that took it, or no pixform at
// all) is taken over with a reason, not held forever.
func TestLockOfReusedPIDTakenOver(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Skip("no host name")
	}
	other := liveOther(t)
	tests := []struct {
		name   string
		holder Holder
		why    string
	}{
		{"pid reused: another start", Holder{ID: "reused", PID: other, Host: host, Started: t0, Process: "boot-x/1"}, "another process"},
		{"older lock naming a process that is not pixform", Holder{ID: "init", PID: other, Host: host, Started: t0}, "not pixform"},
		{"this pid, from another run of it", Holder{ID: "me-before", PID: os.Getpid(), Host: host, Started: t0, Process: "boot-x/1"}, "another process"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := afero.NewOsFs()
			dir := t.TempDir()
			writeHolder(t, fs, dir, tt.holder)
			st, err := Open(fs, dir, LockOptions{})
			if err != nil {
				t.Fatalf("got %v, want the lock taken over", err)
			}
			defer func() { must(t, st.Close()) }()
			if got := st.TookOver(); got == nil || got.ID != tt.holder.ID {
				t.Errorf("got TookOver %v, want %s", got, tt.holder.ID)
			}
			if why := st.TakeoverReason(); !strings.Contains(why, tt.why) {
				t.Errorf("got reason %q, want it to say %q", why, tt.why)
			}
		})
	}
}

// TestLockOfLivePixformKept: the lock of a live process that is the one
// that took it (same start) is held, whatever its program is called.
func TestLockOfLivePixformKept(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Skip("no host name")
	}
	other := liveOther(t)
	token, ok := processStart(other)
	if !ok {
		t.Fatalf("cannot read the start of pid %d", other)
	}
	fs := afero.NewOsFs()
	dir := t.TempDir()
	h := Holder{ID: "alive", PID: other, Host: host, Started: t0, Process: token}
	writeHolder(t, fs, dir, h)
	if _, err := Open(fs, dir, LockOptions{}); !errors.Is(err, ErrLocked) {
		t.Fatalf("got %v, want ErrLocked: the holder is alive and the one that took the lock", err)
	}
}

// TestLockRecordsProcess: the lock names the process start, which is what
// tells a live holder from a reused pid.
func TestLockRecordsProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	fs := afero.NewOsFs()
	dir := t.TempDir()
	st := openStore(t, fs, dir)
	defer func() { must(t, st.Close()) }()
	want, _ := processStart(os.Getpid())
	if got := st.Holder().Process; got == "" || got != want {
		t.Errorf("got process %q in the lock, want %q", got, want)
	}
}
