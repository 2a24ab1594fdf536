package state

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/afero"
)

// Store is the local directory's Backend: the locked, writable state of
// an apply, made by Open. Every Record* call (and Forget, Move, SetFiles)
// is durable before it returns: it appends one line to the journal and
// waits for an fsync of it (shared with the records made meanwhile), which
// costs O(1) whatever the size of the state. The journal is folded into
// state.json (atomically, with the previous state.json kept as the backup)
// when it outgrows state.json, and at Close; so the bytes written stay a
// small multiple of the final state's size however many records an apply
// makes. The lockfile is rewritten at each fold when its content changed
// (see LockfileWriter).
//
// Concurrent records share fsyncs (a group commit, see syncTo): each
// returns once its line is durable, and a burst of records costs a few
// fsyncs, not one each.
//
// A Store is safe for concurrent use. After an error from a Record* call
// nothing of that call was recorded, except when the journal's fsync
// failed: the record then stays in memory and reaches state.json with the
// fold that the next record or Close makes, or is lost with the journal.
//
// It is three parts, one job each: the directory lock (dirLock), the
// journal with state.json (journal) and the lockfile (LockfileWriter).
// The Store checks each record against the state, and folds only while
// the lock is still its own.
type Store struct {
	lock *dirLock        // .pixform/lock.json
	j    *journal        // .pixform/state.json and journal.jsonl
	lf   *LockfileWriter // pixform.lock.hcl

	mu     sync.Mutex // serialises records, folds, reads of the state and Close; taken before j.mu
	closed bool
}

// Open takes the directory lock of the spec directory dir (see
// LockOptions), reads its state like Load and returns a Store for an apply.
// A journal left by an apply that crashed is folded into state.json at
// once, and a dead holder's lock on this host is taken over (see TookOver).
// When another pixform holds the lock, the error wraps ErrLocked and names
// it. Close the Store to release the lock.
func Open(fs afero.Fs, dir string, opts LockOptions) (*Store, error) {
	if err := fs.MkdirAll(filePath(dir, stateDir), dirPerm); err != nil {
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	lock, err := lockDir(fs, dir, opts)
	if err != nil {
		return nil, err
	}
	st := &Store{lock: lock}
	if err := st.init(fs, dir); err != nil {
		if st.j != nil {
			_ = st.j.close() // the init error is what matters
		}
		return nil, errors.Join(err, lock.release())
	}
	return st, nil
}

// init reads the state and the lockfile and folds a leftover journal.
func (st *Store) init(fs afero.Fs, dir string) error {
	d, err := load(fs, dir)
	if err != nil {
		return err
	}
	if st.j, err = newJournal(fs, dir, d); err != nil {
		return err
	}
	if st.lf, err = NewLockfileWriter(fs, dir, st.j.state()); err != nil {
		return err
	}
	for i := range d.records {
		st.lf.apply(&d.records[i])
	}
	// Temporary files of atomic writes that a crash interrupted: nobody
	// else writes here while we hold the lock.
	tmps, _ := afero.Glob(fs, filePath(dir, stateDir+"/*.tmp-*"))  // the pattern is valid
	stale, _ := afero.Glob(fs, filePath(dir, LockFile+".stale-*")) // left by a takeover that was killed
	tmps = append(tmps, stale...)
	for _, tmp := range tmps {
		_ = fs.Remove(tmp) // litter only: a failure changes nothing
	}
	if d.journal {
		return st.fold()
	}
	return nil
}

// Holder is the lock this Store holds.
func (st *Store) Holder() Holder { return *st.lock.holder }

// TookOver returns the gone holder whose lock Open took over, or nil.
func (st *Store) TookOver() *Holder {
	if st.lock.took == nil {
		return nil
	}
	h := *st.lock.took.Holder
	return &h
}

// TakeoverReason says why the holder TookOver names counted as gone
// ("is no longer running", ...); "" when Open took no lock over.
func (st *Store) TakeoverReason() string {
	if st.lock.took == nil {
		return ""
	}
	return st.lock.took.Why
}

// BytesWritten is the number of bytes this Store wrote to state.json, its
// backup, the journal and the lockfile, to measure write amplification.
func (st *Store) BytesWritten() int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.j.written + st.lf.BytesWritten()
}

// State returns a deep copy of the current state, with the serial
// state.json will have once the records so far are folded into it.
func (st *Store) State() *State {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.j.snapshot()
}

// RecordIntent records that a task is about to be submitted for p.Addr,
// before the request leaves, so that an apply killed before it learns the
// task id can name the image whose submission may have been accepted. The
// entry is stored with TaskID and SubmittedAt cleared, replacing any
// earlier one for that address.
func (st *Store) RecordIntent(p Pending) error {
	return st.record(&record{Op: opIntent, Pending: &p})
}

// RecordSubmitted records the id of the task submitted for addr, the
// moment it arrives, on the entry RecordIntent made.
func (st *Store) RecordSubmitted(addr, taskID string, at time.Time) error {
	return st.record(&record{Op: opSubmitted, Addr: addr, TaskID: taskID, At: at})
}

// RecordDone stores a finished (or imported) asset under a.Addr, drops its
// pending entry and, when a.TaskID is set (an import has none), adds the
// task and a.Consumed to the stats of a.Model.
func (st *Store) RecordDone(a Asset) error {
	return st.record(&record{Op: opDone, Asset: &a})
}

// RecordAbandoned drops the pending entry of addr: its task failed, was
// lost, or will not be submitted. Without one it does nothing.
func (st *Store) RecordAbandoned(addr string) error {
	return st.record(&record{Op: opAbandoned, Addr: addr})
}

// The marks below change the pending entry of addr; without one they do
// nothing.

// RecordUnsent records that no request of the pending entry of addr may
// have been accepted (the last one was refused with a 429, and the next
// one has not left): a crash now leaves nothing to warn about. The next
// RecordIntent clears it.
func (st *Store) RecordUnsent(addr string) error { return st.record(&record{Op: opUnsent, Addr: addr}) }

// RecordAmbiguous records that this apply gave up on the pending entry of
// addr after the answers to its submissions were lost (see
// Pending.Ambiguous).
func (st *Store) RecordAmbiguous(addr string) error {
	return st.record(&record{Op: opAmbiguous, Addr: addr})
}

// RecordCounted records that the task of the pending entry of addr was
// seen final and its credits counted.
func (st *Store) RecordCounted(addr string) error {
	return st.record(&record{Op: opCounted, Addr: addr})
}

// Forget drops the asset (and any pending entry) of addr, from the state
// and from the lockfile. Without one it does nothing.
func (st *Store) Forget(addr string) error {
	return st.record(&record{Op: opForget, Addr: addr})
}

// Move renames the asset from to to, whose output becomes output (an
// empty output keeps it). It moves an image only the lockfile knows too (a
// fresh clone's). It fails when from is unknown or to is already in state.
func (st *Store) Move(from, to string, output string) error {
	return st.record(&record{Op: opMove, Addr: from, To: to, Output: output})
}

// SetFiles merges entries into the file-hash cache, as one record however
// many there are. An entry with an empty SHA256 removes that path.
func (st *Store) SetFiles(files map[string]FileHash) error {
	if len(files) == 0 {
		return nil
	}
	return st.record(&record{Op: opFiles, Files: files})
}

// errNothing tells record that the call changes nothing.
var errNothing = errors.New("nothing to record")

// errClosed is returned by the methods of a closed Store.
var errClosed = errors.New("the state store is closed")

// record checks r against the current state (record.validate), appends it
// to the journal, applies it, folds the journal when it has outgrown
// state.json, and returns once the record is durable (see syncTo).
func (st *Store) record(r *record) error {
	seq, err := st.appendRecord(r)
	if err != nil || seq == 0 {
		return err
	}
	return st.j.syncTo(r.Op, seq)
}

// appendRecord is record up to the journal's fsync. It returns the
// record's number, 0 when there was nothing to record.
func (st *Store) appendRecord(r *record) (uint64, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return 0, fmt.Errorf("record %s: %w", r.Op, errClosed)
	}
	if broken := st.j.brokenErr(); broken != nil {
		if err := st.fold(); err != nil {
			return 0, fmt.Errorf("record %s: %w", r.Op, errors.Join(broken, err))
		}
	}
	lockOnly := func(addr string) bool { _, ok := st.lf.Knows(addr); return ok }
	if err := r.validate(st.j.state(), lockOnly); errors.Is(err, errNothing) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	seq, err := st.j.append(r)
	if err != nil {
		return 0, err
	}
	st.lf.apply(r)
	if st.j.foldDue() {
		// The record is in the journal whatever happens here; a
		// failed fold is tried again later, and Close reports it.
		if st.fold() != nil {
			st.j.foldFailed()
		}
	}
	return seq, nil
}

// fold folds the journal into state.json and writes the lockfile when it
// changed. It refuses when the lock is no longer ours.
func (st *Store) fold() error {
	if who := st.lock.lost(); who != "" {
		return fmt.Errorf("write state: the state lock of this apply was %s, so this apply no longer owns the state; "+
			"its records stay in %s for the next apply to fold in", who, JournalFile)
	}
	if err := st.j.fold(); err != nil {
		return err
	}
	return st.lf.Write(st.j.state())
}

// Close folds the journal into state.json (keeping the previous one as
// the backup), writes the lockfile if it changed and releases the lock.
// The lock is released even when the fold fails: the journal keeps the
// records for the next Open. Closing twice does nothing.
func (st *Store) Close() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return nil
	}
	st.closed = true
	err := st.fold()
	if cerr := st.j.close(); err == nil {
		err = cerr
	}
	return errors.Join(err, st.lock.release())
}
