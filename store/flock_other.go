//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import "github.com/spf13/afero"

// fileLock is a no-op where flock(2) is missing: the Local's mutexes order
// the goroutines of one process, and processes sharing a store there are
// not kept apart (see the package documentation).
func fileLock(afero.Fs, string, bool) (func(), error) { return func() {}, nil }

// isQuota reports a write refused by a disk quota.
func isQuota(error) bool { return false }
