//go:build !unix

package state

// processDead cannot check processes here: every holder counts as alive,
// and a stale lock needs pixform force-unlock.
func processDead(pid int) bool { return false }
