package state

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// Memory is a Backend that keeps the state in memory only, for tests and
// as the reference of what the calls mean: after the same calls, a second
// backend's State holds what Memory's holds (TestMemoryIsTheStore checks
// the local Store against it). Nothing of it is durable and it locks
// nothing; wrap it in WithLockfile to have the lockfile written too.
type Memory struct {
	mu     sync.Mutex
	s      *State
	holder Holder
	closed bool
}

// NewMemory returns a Memory holding a copy of s (New() when s is nil).
func NewMemory(s *State) *Memory {
	if s == nil {
		s = New()
	}
	host, _ := os.Hostname()
	return &Memory{s: s.Clone(), holder: Holder{ID: newID(), PID: os.Getpid(), Host: host, Started: time.Now()}}
}

// State returns a deep copy of the state.
func (m *Memory) State() *State {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.s.Clone()
}

// RecordIntent is Store.RecordIntent.
func (m *Memory) RecordIntent(p Pending) error { return m.record(&record{Op: opIntent, Pending: &p}) }

// RecordSubmitted is Store.RecordSubmitted.
func (m *Memory) RecordSubmitted(addr, taskID string, at time.Time) error {
	return m.record(&record{Op: opSubmitted, Addr: addr, TaskID: taskID, At: at})
}

// RecordDone is Store.RecordDone.
func (m *Memory) RecordDone(a Asset) error { return m.record(&record{Op: opDone, Asset: &a}) }

// RecordAbandoned is Store.RecordAbandoned.
func (m *Memory) RecordAbandoned(addr string) error {
	return m.record(&record{Op: opAbandoned, Addr: addr})
}

// RecordUnsent is Store.RecordUnsent.
func (m *Memory) RecordUnsent(addr string) error { return m.record(&record{Op: opUnsent, Addr: addr}) }

// RecordAmbiguous is Store.RecordAmbiguous.
func (m *Memory) RecordAmbiguous(addr string) error {
	return m.record(&record{Op: opAmbiguous, Addr: addr})
}

// RecordCounted is Store.RecordCounted.
func (m *Memory) RecordCounted(addr string) error {
	return m.record(&record{Op: opCounted, Addr: addr})
}

// Forget is Store.Forget.
func (m *Memory) Forget(addr string) error { return m.record(&record{Op: opForget, Addr: addr}) }

// Move is Store.Move.
func (m *Memory) Move(from, to, output string) error {
	return m.record(&record{Op: opMove, Addr: from, To: to, Output: output})
}

// SetFiles is Store.SetFiles.
func (m *Memory) SetFiles(files map[string]FileHash) error {
	if len(files) == 0 {
		return nil
	}
	return m.record(&record{Op: opFiles, Files: files})
}

// Holder names this process, made holder by NewMemory.
func (m *Memory) Holder() Holder { return m.holder }

// TookOver is nil: a Memory takes no lock over.
func (m *Memory) TookOver() *Holder { return nil }

// TakeoverReason is "".
func (m *Memory) TakeoverReason() string { return "" }

// Close makes the other calls fail. Closing twice does nothing.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// record checks r as a Store does and performs it.
func (m *Memory) record(r *record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return fmt.Errorf("record %s: %w", r.Op, errClosed)
	}
	if err := r.validate(m.s, nil); errors.Is(err, errNothing) {
		return nil
	} else if err != nil {
		return err
	}
	r.apply(m.s)
	return nil
}

// The in-memory state is a Backend.
var _ Backend = (*Memory)(nil)
