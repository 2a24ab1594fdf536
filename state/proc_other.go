//go:build !linux

package state

// processStart cannot name a process's start here: a live holder counts
// as the pixform that took the lock.
func processStart(pid int) (string, bool) { return "", false }

// processIsPixform cannot tell here.
func processIsPixform(pid int) (is, known bool) { return false, false }
