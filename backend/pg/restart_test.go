package pg

import (
	"errors"
	"os"
	"os/exec"
	"testing"
)

// EnvRestart names the command that restarts the test server, for
// TestRestart; .ci/run sets it and runs that test alone, after the others,
// since a restart cuts every connection of every test in flight.
const EnvRestart = "PIXFORM_TEST_PG_RESTART"

// A server restart mid-apply: the dedicated lock connection's loss is
// reported as an error wrapping ErrLockLost, by Check and by the claims,
// not a hang; once the server is back a new Lock takes the workspace.
func TestRestart(t *testing.T) {
	restart := os.Getenv(EnvRestart)
	if restart == "" {
		t.Skip(EnvRestart + " is not set: this test restarts the server, and .ci/run runs it alone with " + EnvRestart + "='pg_ctlcluster 15 main restart'")
	}
	db, _ := openTest(t)
	ctx := testCtx(t)
	s := lockTest(t, db, "default")
	if won, _, err := s.Claim(ctx, "f", ClaimOptions{}); !won || err != nil {
		t.Fatal(won, err)
	}
	if out, err := exec.CommandContext(ctx, "sh", "-c", restart).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", restart, err, out)
	}
	err := s.Check(ctx)
	if !errors.Is(err, ErrLockLost) {
		t.Fatalf("Check after a restart: got %v, want ErrLockLost", err)
	}
	t.Logf("after the restart, Check says: %v", err)
	if err := s.SetTask(ctx, "f", "task-1"); !errors.Is(err, ErrLockLost) {
		t.Errorf("SetTask after a restart: got %v, want ErrLockLost", err)
	}
	s2 := lockTest(t, db, "default")
	won, ex, err := s2.Claim(ctx, "f", ClaimOptions{})
	if err != nil || !won || ex.HolderID != s.Holder().ID {
		t.Errorf("claim after a restart = %v, %+v, %v; want the old claim taken over", won, ex, err)
	}
}
