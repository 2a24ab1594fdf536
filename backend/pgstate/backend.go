package pgstate

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/pixform/pixform/backend/pg"
	"github.com/pixform/pixform/state"
)

// Backend is a workspace of the pg backend as a state.Backend: each call
// is one short transaction of the workspace's pg.Session (one row
// upserted or deleted, O(1) whatever the workspace's size), durable when
// it returns, and fenced by the lock. A state.Memory mirrors what was
// recorded, for State and for the meaning of each call: it checks each
// call first, as the local Store does, so that a call it refuses writes
// nothing. A call whose write fails returns the error with the mirror a
// step ahead of the database; the executor stops at such an error.
//
// The file-hash cache given to SetFiles is kept in memory only: it
// describes files of one machine and stays in that machine's .pixform/.
type Backend struct {
	ctx    context.Context // outlives the first Ctrl-C: cancelling it drops the lock
	s      *pg.Session
	mem    *state.Memory
	holder state.Holder

	mu     sync.Mutex
	taskOf map[string]string // addr -> task id of its record, to count credits once
}

// Open takes the lock of workspace ws (waiting up to opts.Timeout) and
// reads the workspace under it. files is the local file-hash cache. ctx
// must end only when the caller means to let go of the lock.
func Open(ctx context.Context, db *pg.DB, ws string, opts pg.LockOptions, files map[string]state.FileHash) (*Backend, error) {
	s, err := db.Lock(ctx, ws, opts)
	if err != nil {
		return nil, err
	}
	st, err := Load(ctx, db, ws)
	if err != nil {
		s.Close()
		return nil, err
	}
	st.Files = files
	if st.Files == nil {
		st.Files = map[string]state.FileHash{}
	}
	h := s.Holder()
	b := &Backend{ctx: ctx, s: s, mem: state.NewMemory(st), taskOf: map[string]string{},
		holder: state.Holder{ID: h.ID, PID: h.PID, Host: h.Host, Started: h.Started}}
	for addr, a := range st.Assets {
		b.taskOf[addr] = a.TaskID
	}
	return b, nil
}

// State returns a deep copy of the workspace as recorded.
func (b *Backend) State() *state.State { return b.mem.State() }

// RecordIntent is durable in PostgreSQL before it returns, so that the
// submission after it never goes unrecorded.
func (b *Backend) RecordIntent(p state.Pending) error {
	if err := b.mem.RecordIntent(p); err != nil {
		return err
	}
	return b.s.PutIntent(b.ctx, ToPending(p))
}

// RecordSubmitted records the task id of addr's intent.
func (b *Backend) RecordSubmitted(addr, taskID string, at time.Time) error {
	if err := b.mem.RecordSubmitted(addr, taskID, at); err != nil {
		return err
	}
	return b.s.SetPendingTask(b.ctx, addr, taskID, at)
}

// RecordDone upserts the image's row (which ends its task in flight) and
// appends its task to the credits history, once per task, as the local
// state counts it.
func (b *Backend) RecordDone(a state.Asset) error {
	if err := b.mem.RecordDone(a); err != nil {
		return err
	}
	if err := b.s.PutImage(b.ctx, ToImage(a)); err != nil {
		return err
	}
	b.mu.Lock()
	prev, known := b.taskOf[a.Addr]
	b.taskOf[a.Addr] = a.TaskID
	b.mu.Unlock()
	if a.TaskID != "" && a.Provider != "offline" && (!known || prev != a.TaskID) {
		return b.s.AddCredits(b.ctx, a.Model, a.TaskID, a.Consumed, a.GeneratedAt)
	}
	return nil
}

// RecordAbandoned forgets addr's task in flight.
func (b *Backend) RecordAbandoned(addr string) error {
	if err := b.mem.RecordAbandoned(addr); err != nil {
		return err
	}
	return b.s.DeletePending(b.ctx, addr)
}

// RecordUnsent marks addr's task in flight unsent.
func (b *Backend) RecordUnsent(addr string) error {
	return b.flag(addr, pg.FlagUnsent, b.mem.RecordUnsent)
}

// RecordAmbiguous marks addr's task in flight ambiguous.
func (b *Backend) RecordAmbiguous(addr string) error {
	return b.flag(addr, pg.FlagAmbiguous, b.mem.RecordAmbiguous)
}

// RecordCounted marks addr's task in flight counted.
func (b *Backend) RecordCounted(addr string) error {
	return b.flag(addr, pg.FlagCounted, b.mem.RecordCounted)
}

func (b *Backend) flag(addr string, f pg.PendingFlag, mem func(string) error) error {
	if err := mem(addr); err != nil {
		return err
	}
	return b.s.SetPendingFlag(b.ctx, addr, f)
}

// Forget deletes addr's row and its task in flight.
func (b *Backend) Forget(addr string) error {
	if err := b.mem.Forget(addr); err != nil {
		return err
	}
	b.mu.Lock()
	delete(b.taskOf, addr)
	b.mu.Unlock()
	return b.s.DeleteImage(b.ctx, addr)
}

// Move renames addr's row.
func (b *Backend) Move(from, to, output string) error {
	if err := b.mem.Move(from, to, output); err != nil {
		return err
	}
	if from == to && output == "" {
		return nil
	}
	b.mu.Lock()
	b.taskOf[to] = b.taskOf[from]
	delete(b.taskOf, from)
	b.mu.Unlock()
	return b.s.MoveImage(b.ctx, from, to, output)
}

// SetFiles keeps the file-hash cache in memory only (see Backend).
func (b *Backend) SetFiles(files map[string]state.FileHash) error { return b.mem.SetFiles(files) }

// Holder names this pixform, as its holder row in PostgreSQL does.
func (b *Backend) Holder() state.Holder { return b.holder }

// TookOver is nil: a lock of a dead holder is free on PostgreSQL (its
// connection, and so its advisory lock, is gone), so nothing is taken over.
func (b *Backend) TookOver() *state.Holder { return nil }

// TakeoverReason is "".
func (b *Backend) TakeoverReason() string { return "" }

// Close releases the lock.
func (b *Backend) Close() error {
	return errors.Join(b.mem.Close(), b.s.Close())
}

// The pg backend is a state.Backend.
var _ state.Backend = (*Backend)(nil)
