//go:build unix

package state

import (
	"errors"
	"syscall"
)

// processDead reports whether no process has the given pid on this host.
// A process of another user (EPERM) is alive.
func processDead(pid int) bool {
	if pid <= 0 {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
