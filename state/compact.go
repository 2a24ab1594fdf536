package state

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"sync"

	"github.com/spf13/afero"
)

// The journal is folded into state.json when it holds more than
// compactRatio times the bytes of state.json plus compactFloor. A journal
// line costs about as much as the state it adds, so each fold writes a
// state.json about compactRatio+1 times the previous one: the folds of an
// apply add up to a geometric series, about 1.2 times the final state
// (and its lockfile), plus the final fold at Close, and each record is
// written once, to the journal. For 10,000 typical assets that is 2.3 to
// 3.7 times the final state.json in all, depending on how close to Close
// the last automatic fold falls (2.75 at exactly 10,000). A ratio of 1
// would write 4.3 times; a larger one makes the journal that Load replays
// longer.
const (
	compactRatio = 4
	compactFloor = 64 << 10
)

// journal keeps a State durable in two files of the local directory:
// state.json, written whole and atomically by a fold, and the journal
// (see record) of the records appended since, each durable before its
// call returns (append, then syncTo). It knows nothing of the locks: its
// owner (Store) checks the directory lock before a fold and serialises
// append, fold, close and its reads of state.
type journal struct {
	fs  afero.Fs
	dir string

	cur     *State // what was recorded; Serial is that of state.json
	baseEnc []byte // state.json as last written or read (re-encoded), to detect change
	orig    []byte // state.json as Open found it, for the backup; nil once kept or when absent
	dirty   bool   // records were appended since the last fold
	size    int64  // bytes in the journal file
	retryAt int64  // after an automatic fold failed: the journal size to try again at
	written int64  // bytes written to state.json, its backup and the journal

	syncing sync.Mutex // held by the one fsync of the journal under way; taken before mu
	// mu guards what syncTo reads: every field below, which append and
	// fold also change.
	mu       sync.Mutex
	file     afero.File // the journal file; nil when none is open
	broken   error      // the journal may hold a torn line: record nothing until a fold succeeds
	appended uint64     // records appended to journals since Open
	synced   uint64     // of those, how many are known durable
	failedTo uint64     // a failed fsync covered the records up to this one
	syncErr  error      // and its error
}

// newJournal is the journal of what load read. A leftover journal file
// stays until the first fold, which its owner makes at once.
func newJournal(fs afero.Fs, dir string, d *disk) (*journal, error) {
	j := &journal{fs: fs, dir: dir, cur: d.state}
	j.cur.Serial = d.base.Serial
	var err error
	if j.baseEnc, err = encodeState(d.base); err != nil {
		return nil, err
	}
	if d.exists {
		j.orig = d.raw
	}
	j.dirty = len(d.records) > 0
	return j, nil
}

// state is the live State (not a copy): read it only where appends and
// folds cannot run.
func (j *journal) state() *State { return j.cur }

// snapshot returns a deep copy of the state, with the serial state.json
// will have once the records so far are folded into it.
func (j *journal) snapshot() *State {
	c := j.cur.Clone()
	if j.dirty {
		if serial, err := nextSerial(c, c.Serial, j.baseEnc); err == nil {
			c.Serial = serial
		}
	}
	return c
}

// brokenErr is why the journal may end in a torn line, or nil.
func (j *journal) brokenErr() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.broken
}

// append writes r to the journal and performs it on the state. It returns
// the record's number, for syncTo to make it durable.
func (j *journal) append(r *record) (uint64, error) {
	line, err := r.encode()
	if err != nil {
		return 0, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.write(line); err != nil {
		return 0, fmt.Errorf("record %s: %w", r.Op, err)
	}
	r.apply(j.cur)
	j.dirty = true
	return j.appended, nil
}

// write writes line to the journal, beginning a journal (with its header,
// made durable at once) when none is open; syncTo makes the line durable.
// On error the journal is cut back to what it held, so that a torn record
// can only ever be its last line.
func (j *journal) write(line []byte) error {
	fresh := j.file == nil
	if fresh {
		f, err := j.fs.OpenFile(filePath(j.dir, JournalFile), os.O_RDWR|os.O_CREATE|os.O_TRUNC, filePerm)
		if err != nil {
			return fmt.Errorf("open state journal: %w", err)
		}
		hdr, err := (&record{Op: opBegin, Version: journalVersion, Lineage: j.cur.Lineage, Serial: j.cur.Serial}).encode()
		if err != nil {
			_ = f.Close() // the encode error is what matters
			return err
		}
		line = append(hdr, line...)
		j.file, j.size = f, 0
	}
	n, err := j.file.WriteAt(line, j.size)
	j.written += int64(n)
	if err == nil && fresh { // a new journal is made durable at once, its name included
		if err = j.file.Sync(); err == nil {
			err = SyncDir(j.fs, filePath(j.dir, stateDir))
		}
	}
	if err == nil {
		j.size += int64(n)
		j.appended++
		if fresh {
			j.synced = j.appended
		}
		return nil
	}
	if terr := j.file.Truncate(j.size); terr != nil {
		j.broken = fmt.Errorf("the state journal may end in a torn record: %w", terr)
	}
	if fresh {
		_ = j.file.Close() // nothing of it counts: the write error is what matters
		_ = j.fs.Remove(filePath(j.dir, JournalFile))
		j.file = nil
	}
	return fmt.Errorf("write state journal: %w", err)
}

// foldDue reports whether the journal has outgrown state.json, so that
// its owner folds it now; after a failed fold (foldFailed) it waits for
// the journal to double first.
func (j *journal) foldDue() bool {
	if j.size > compactRatio*int64(len(j.baseEnc))+compactFloor && j.size > j.retryAt {
		j.retryAt = 0
		return true
	}
	return false
}

// foldFailed postpones the next automatic fold.
func (j *journal) foldFailed() { j.retryAt = 2 * j.size }

// fold writes state.json atomically when its content changed (with the
// next serial, after keeping the state.json Open found as the backup) and
// removes the journal, whose records state.json then holds.
func (j *journal) fold() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.dirty {
		data, serial, changed, err := foldState(j.cur, j.cur.Serial, j.baseEnc)
		if err != nil {
			return err
		}
		if changed {
			if j.orig != nil {
				if err := WriteFileAtomic(j.fs, filePath(j.dir, BackupFile), j.orig); err != nil {
					return fmt.Errorf("keep state backup: %w", err)
				}
				j.written += int64(len(j.orig))
				j.orig = nil
			}
			if err := WriteFileAtomic(j.fs, filePath(j.dir, StateFile), data); err != nil {
				return fmt.Errorf("write state: %w", err)
			}
			j.written += int64(len(data))
			j.cur.Serial, j.baseEnc = serial, data
		}
		j.dirty = false
	}
	j.synced = j.appended // state.json holds every record appended so far
	if err := j.reset(); err != nil {
		return err
	}
	j.broken = nil
	return nil
}

// reset closes and removes the journal, whose records state.json now
// holds. The next record begins a new one.
func (j *journal) reset() error {
	var err error
	if j.file != nil {
		err = j.file.Close()
		j.file = nil
	}
	j.size = 0
	if rerr := j.fs.Remove(filePath(j.dir, JournalFile)); rerr != nil && !errors.Is(rerr, iofs.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	if err != nil {
		return fmt.Errorf("remove folded state journal: %w", err)
	}
	return nil
}

// close closes the journal file, if open, leaving it on disk.
func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.file == nil {
		return nil
	}
	err := j.file.Close()
	j.file = nil
	if err != nil {
		return fmt.Errorf("close state journal: %w", err)
	}
	return nil
}
