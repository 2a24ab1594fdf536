package state

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/afero"
)

// Store is the locked, writable state of an apply, made by Open. Every
// Record* call (and Forget, Move, SetFiles) is durable before it returns:
// it appends one line to the journal and waits for an fsync of it (shared
// with the records made meanwhile), which costs O(1) whatever the size of
// the state. The journal is folded into state.json
// (atomically, with the previous state.json kept as the backup) when it
// outgrows state.json, and at Close; so the bytes written stay a small
// multiple of the final state's size however many records an apply makes.
// The lockfile is rewritten at each fold when its content changed: LockFrom
// of the state, plus the images of the lockfile Open found that the state
// lacks (a fresh clone's), until they are forgotten, moved or done again.
//
// Concurrent records share fsyncs (a group commit, see syncTo): each
// returns once its line is durable, and a burst of records costs a few
// fsyncs, not one each.
//
// A Store is safe for concurrent use. After an error from a Record* call
// nothing of that call was recorded, except when the journal's fsync
// failed: the record then stays in memory and reaches state.json with the
// fold that the next record or Close makes, or is lost with the journal.
type Store struct {
	fs  afero.Fs
	dir string

	mu        sync.Mutex
	cur       *State // what was recorded; Serial is that of state.json
	baseEnc   []byte // state.json as last written or read (re-encoded), to detect change
	orig      []byte // state.json as Open found it, for the backup; nil once kept or when absent
	dirty     bool   // records were appended since the last fold
	journal   afero.File
	jsize     int64                // bytes in the journal
	lockOnly  map[string]LockImage // lockfile images that the state lacks (a fresh clone's)
	lockEnc   []byte               // the lockfile as last read or written; nil when absent
	lockCache map[LockImage][]byte // image blocks of the lockfile, to write it again quickly
	holder    *Holder
	tookOver  *Takeover
	written   int64
	brokenErr error      // the journal may hold a torn line: record nothing until a fold succeeds
	retryAt   int64      // after an automatic fold failed: the journal size to try again at
	appended  uint64     // records appended to journals since Open
	synced    uint64     // of those, how many are known durable
	syncing   sync.Mutex // held by the one fsync of the journal under way; taken before mu
	failedTo  uint64     // a failed fsync covered the records up to this one
	syncErr   error      // and its error
	closed    bool
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
	me, took, err := acquire(fs, dir, opts)
	if err != nil {
		return nil, err
	}
	st := &Store{fs: fs, dir: dir, holder: me, tookOver: took, lockCache: map[LockImage][]byte{}}
	if err := st.init(); err != nil {
		if st.journal != nil {
			_ = st.journal.Close() // the init error is what matters
		}
		return nil, errors.Join(err, release(fs, dir, me.ID))
	}
	return st, nil
}

// init reads the state and the lockfile and folds a leftover journal.
func (st *Store) init() error {
	d, err := load(st.fs, st.dir)
	if err != nil {
		return err
	}
	st.cur = d.state
	st.cur.Serial = d.base.Serial
	if st.baseEnc, err = encodeState(d.base); err != nil {
		return err
	}
	if d.exists {
		st.orig = d.raw
	}
	st.lockEnc, st.lockOnly, err = readLockFor(st.fs, st.dir, st.cur)
	if err != nil {
		return err
	}
	for i := range d.records {
		applyLockOnly(st.lockOnly, &d.records[i])
	}
	// Temporary files of atomic writes that a crash interrupted: nobody
	// else writes here while we hold the lock.
	tmps, _ := afero.Glob(st.fs, filePath(st.dir, stateDir+"/*.tmp-*"))  // the pattern is valid
	stale, _ := afero.Glob(st.fs, filePath(st.dir, LockFile+".stale-*")) // left by a takeover that was killed
	tmps = append(tmps, stale...)
	for _, tmp := range tmps {
		_ = st.fs.Remove(tmp) // litter only: a failure changes nothing
	}
	if d.journal {
		st.dirty = len(d.records) > 0
		return st.compact()
	}
	return nil
}

// Holder is the lock this Store holds.
func (st *Store) Holder() Holder { return *st.holder }

// TookOver returns the gone holder whose lock Open took over, or nil.
func (st *Store) TookOver() *Holder {
	if st.tookOver == nil {
		return nil
	}
	h := *st.tookOver.Holder
	return &h
}

// TakeoverReason says why the holder TookOver names counted as gone
// ("is no longer running", ...); "" when Open took no lock over.
func (st *Store) TakeoverReason() string {
	if st.tookOver == nil {
		return ""
	}
	return st.tookOver.Why
}

// BytesWritten is the number of bytes this Store wrote to state.json, its
// backup, the journal and the lockfile, to measure write amplification.
func (st *Store) BytesWritten() int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.written
}

// State returns a deep copy of the current state, with the serial
// state.json will have once the records so far are folded into it.
func (st *Store) State() *State {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.cur.Clone()
	if st.dirty {
		if serial, err := nextSerial(c, c.Serial, st.baseEnc); err == nil {
			c.Serial = serial
		}
	}
	return c
}

// RecordIntent records that a task is about to be submitted for p.Addr,
// before the request leaves, so that an apply killed before it learns the
// task id can name the image whose submission may have been accepted. The
// entry is stored with TaskID and SubmittedAt cleared, replacing any
// earlier one for that address.
func (st *Store) RecordIntent(p Pending) error {
	if p.Addr == "" {
		return errors.New("record intent: the pending task has no address")
	}
	return st.record(&record{Op: opIntent, Pending: &p}, nil)
}

// RecordSubmitted records the id of the task submitted for addr, the
// moment it arrives, on the entry RecordIntent made.
func (st *Store) RecordSubmitted(addr, taskID string, at time.Time) error {
	if taskID == "" {
		return fmt.Errorf("record submitted %s: empty task id", addr)
	}
	return st.record(&record{Op: opSubmitted, Addr: addr, TaskID: taskID, At: at}, func() error {
		if st.cur.Pending[addr] == nil {
			return fmt.Errorf("record submitted %s: no intent was recorded for it", addr)
		}
		return nil
	})
}

// RecordDone stores a finished (or imported) asset under a.Addr, drops its
// pending entry and, when a.TaskID is set (an import has none), adds the
// task and a.Consumed to the stats of a.Model.
func (st *Store) RecordDone(a Asset) error {
	if a.Addr == "" {
		return errors.New("record done: the asset has no address")
	}
	return st.record(&record{Op: opDone, Asset: &a}, nil)
}

// RecordAbandoned drops the pending entry of addr: its task failed, was
// lost, or will not be submitted. Without one it does nothing.
func (st *Store) RecordAbandoned(addr string) error {
	return st.record(&record{Op: opAbandoned, Addr: addr}, func() error {
		if st.cur.Pending[addr] == nil {
			return errNothing
		}
		return nil
	})
}

// The marks below change the pending entry of addr; without one they do
// nothing.

// RecordUnsent records that no request of the pending entry of addr may
// have been accepted (the last one was refused with a 429, and the next
// one has not left): a crash now leaves nothing to warn about. The next
// RecordIntent clears it.
func (st *Store) RecordUnsent(addr string) error { return st.markPending(opUnsent, addr) }

// RecordAmbiguous records that this apply gave up on the pending entry of
// addr after the answers to its submissions were lost (see
// Pending.Ambiguous).
func (st *Store) RecordAmbiguous(addr string) error { return st.markPending(opAmbiguous, addr) }

// RecordCounted records that the task of the pending entry of addr was
// seen final and its credits counted.
func (st *Store) RecordCounted(addr string) error { return st.markPending(opCounted, addr) }

func (st *Store) markPending(op, addr string) error {
	return st.record(&record{Op: op, Addr: addr}, func() error {
		if st.cur.Pending[addr] == nil {
			return errNothing // abandoned or done meanwhile: nothing to mark
		}
		return nil
	})
}

// Forget drops the asset (and any pending entry) of addr, from the state
// and from the lockfile. Without one it does nothing.
func (st *Store) Forget(addr string) error {
	return st.record(&record{Op: opForget, Addr: addr}, func() error {
		_, inLock := st.lockOnly[addr]
		if st.cur.Assets[addr] == nil && st.cur.Pending[addr] == nil && !inLock {
			return errNothing
		}
		return nil
	})
}

// Move renames the asset from to to, whose output becomes output (an
// empty output keeps it). It moves an image only the lockfile knows too (a
// fresh clone's). It fails when from is unknown or to is already in state.
func (st *Store) Move(from, to string, output string) error {
	if from == "" || to == "" {
		return fmt.Errorf("move %q to %q: empty address", from, to)
	}
	return st.record(&record{Op: opMove, Addr: from, To: to, Output: output}, func() error {
		if _, inLock := st.lockOnly[from]; st.cur.Assets[from] == nil && !inLock {
			return fmt.Errorf("move %s to %s: %s is not in the state", from, to, from)
		}
		if to != from && st.cur.Assets[to] != nil {
			return fmt.Errorf("move %s to %s: %s is already in the state; forget it first", from, to, to)
		}
		return nil
	})
}

// SetFiles merges entries into the file-hash cache, as one record however
// many there are. An entry with an empty SHA256 removes that path.
func (st *Store) SetFiles(files map[string]FileHash) error {
	if len(files) == 0 {
		return nil
	}
	return st.record(&record{Op: opFiles, Files: files}, nil)
}

// errNothing tells record that the call changes nothing.
var errNothing = errors.New("nothing to record")

// errClosed is returned by the methods of a closed Store.
var errClosed = errors.New("the state store is closed")

// record checks r against the current state with check (nil: always
// valid), appends it to the journal, applies it, folds the journal when it
// has outgrown state.json, and returns once the record is durable (see
// syncTo).
func (st *Store) record(r *record, check func() error) error {
	seq, err := st.appendRecord(r, check)
	if err != nil || seq == 0 {
		return err
	}
	return st.syncTo(r.Op, seq)
}

// appendRecord is record up to the journal's fsync. It returns the
// record's number, 0 when there was nothing to record.
func (st *Store) appendRecord(r *record, check func() error) (uint64, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return 0, fmt.Errorf("record %s: %w", r.Op, errClosed)
	}
	if st.brokenErr != nil {
		if err := st.compact(); err != nil {
			return 0, fmt.Errorf("record %s: %w", r.Op, errors.Join(st.brokenErr, err))
		}
	}
	if check != nil {
		if err := check(); errors.Is(err, errNothing) {
			return 0, nil
		} else if err != nil {
			return 0, err
		}
	}
	line, err := r.encode()
	if err != nil {
		return 0, err
	}
	if err := st.append(line); err != nil {
		return 0, fmt.Errorf("record %s: %w", r.Op, err)
	}
	seq := st.appended
	r.apply(st.cur)
	applyLockOnly(st.lockOnly, r)
	st.dirty = true
	if st.jsize > compactRatio*int64(len(st.baseEnc))+compactFloor && st.jsize > st.retryAt {
		// The record is in the journal whatever happens here; a
		// failed fold is tried again later, and Close reports it.
		st.retryAt = 0
		if st.compact() != nil {
			st.retryAt = 2 * st.jsize
		}
	}
	return seq, nil
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
	err := st.compact()
	if st.journal != nil {
		if cerr := st.journal.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close state journal: %w", cerr)
		}
		st.journal = nil
	}
	return errors.Join(err, release(st.fs, st.dir, st.holder.ID))
}
