//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"errors"
	"os"
	"syscall"

	"github.com/spf13/afero"
)

// fileLock takes an flock(2) on path, exclusive or shared, that other
// processes sharing the store respect, and returns its release. The kernel
// releases it when the process dies, so a killed pixform never leaves it
// held. Off the OS file system, and where the file system has no locks
// (some network ones), it is a no-op: the Local's own mutexes still order
// the goroutines of this process.
func fileLock(fsys afero.Fs, path string, exclusive bool) (func(), error) {
	if !onOS(fsys) {
		return func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, filePerm)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	switch {
	case err == nil:
		return func() { _ = f.Close() }, nil // closing releases the lock
	case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.EOPNOTSUPP), errors.Is(err, syscall.ENOSYS):
		_ = f.Close()
		return func() {}, nil
	default:
		_ = f.Close()
		return nil, err
	}
}

// isQuota reports a write refused by a disk quota.
func isQuota(err error) bool { return errors.Is(err, syscall.EDQUOT) }
