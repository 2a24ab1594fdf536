package state

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/spf13/afero"
)

// WithLockfile returns b writing the committed lockfile of the spec
// directory dir at Close, as the local Store does at its folds: a backend
// that keeps the state elsewhere (PostgreSQL) still leaves
// pixform.lock.hcl in git, written by the same LockfileWriter. The local
// Store needs no wrapping.
//
// The images only the lockfile knows (a fresh clone's) behave as with the
// local Store: a Forget drops them, a RecordDone replaces them, and a Move
// of one records it in b under its new address, as the lockfile has it.
//
// A killed apply leaves the lockfile as it was; b keeps its records, and
// the next apply's Close writes them. (The local Store writes it at Open
// when it finds a journal, the sign of a killed apply; a backend with its
// own sign can call LockfileWriter.Write there too.)
func WithLockfile(fs afero.Fs, dir string, b Backend) (Backend, error) {
	w, err := NewLockfileWriter(fs, dir, b.State())
	if err != nil {
		return nil, err
	}
	return &lockfiled{Backend: b, w: w}, nil
}

// lockfiled is a Backend with its lockfile (see WithLockfile). Its calls
// to b run outside mu, so that concurrent records stay concurrent.
type lockfiled struct {
	Backend
	mu     sync.Mutex // guards w and closed
	w      *LockfileWriter
	closed bool
}

func (l *lockfiled) RecordDone(a Asset) error {
	if err := l.Backend.RecordDone(a); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Done(a.Addr)
	return nil
}

func (l *lockfiled) Forget(addr string) error {
	if err := l.Backend.Forget(addr); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Forget(addr)
	return nil
}

func (l *lockfiled) Move(from, to, output string) error {
	l.mu.Lock()
	img, only := l.w.Knows(from)
	l.mu.Unlock()
	if !only {
		return l.Backend.Move(from, to, output)
	}
	if to == "" {
		return fmt.Errorf("move %q to %q: empty address", from, to)
	}
	if to != from && l.Backend.State().Assets[to] != nil {
		return fmt.Errorf("move %s to %s: %s is already in the state; forget it first", from, to, to)
	}
	kept := img.DecodeIgnored()
	a := Asset{Addr: to, Output: img.Output, SHA256: img.SHA256, Fingerprint: img.Fingerprint, Model: img.Model,
		Inputs: kept, Ignored: slices.Sorted(maps.Keys(kept))}
	if output != "" {
		a.Output = output
	}
	if err := l.Backend.RecordDone(a); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Move(from, to, output)
	l.w.Done(to)
	return nil
}

// Close writes the lockfile from b's state, then closes b.
func (l *lockfiled) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	err := l.w.Write(l.Backend.State())
	return errors.Join(err, l.Backend.Close())
}
