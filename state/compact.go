package state

import (
	"bytes"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"

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

// append writes line to the journal, beginning a journal (with its header,
// made durable at once) when none is open; syncTo makes the line durable.
// On error the journal is cut back to what it held, so that a torn record
// can only ever be its last line.
func (st *Store) append(line []byte) error {
	fresh := st.journal == nil
	if fresh {
		f, err := st.fs.OpenFile(filePath(st.dir, JournalFile), os.O_RDWR|os.O_CREATE|os.O_TRUNC, filePerm)
		if err != nil {
			return fmt.Errorf("open state journal: %w", err)
		}
		hdr, err := (&record{Op: opBegin, Version: journalVersion, Lineage: st.cur.Lineage, Serial: st.cur.Serial}).encode()
		if err != nil {
			_ = f.Close() // the encode error is what matters
			return err
		}
		line = append(hdr, line...)
		st.journal, st.jsize = f, 0
	}
	n, err := st.journal.WriteAt(line, st.jsize)
	st.written += int64(n)
	if err == nil && fresh { // a new journal is made durable at once, its name included
		if err = st.journal.Sync(); err == nil {
			err = SyncDir(st.fs, filePath(st.dir, stateDir))
		}
	}
	if err == nil {
		st.jsize += int64(n)
		st.appended++
		if fresh {
			st.synced = st.appended
		}
		return nil
	}
	if terr := st.journal.Truncate(st.jsize); terr != nil {
		st.brokenErr = fmt.Errorf("the state journal may end in a torn record: %w", terr)
	}
	if fresh {
		_ = st.journal.Close() // nothing of it counts: the write error is what matters
		_ = st.fs.Remove(filePath(st.dir, JournalFile))
		st.journal = nil
	}
	return fmt.Errorf("write state journal: %w", err)
}

// compact folds the journal into state.json: it writes state.json
// atomically when its content changed (with the next serial, after keeping
// the state.json Open found as the backup), removes the journal and writes
// the lockfile when it changed. It refuses when the lock is no longer ours.
func (st *Store) compact() error {
	held, err := readHolder(st.fs, filePath(st.dir, LockFile))
	if err != nil || held.ID != st.holder.ID {
		who := "removed"
		if err == nil {
			who = "taken by " + held.String()
		}
		return fmt.Errorf("write state: the state lock of this apply was %s, so this apply no longer owns the state; "+
			"its records stay in %s for the next apply to fold in", who, JournalFile)
	}
	if st.dirty {
		data, serial, changed, err := foldState(st.cur, st.cur.Serial, st.baseEnc)
		if err != nil {
			return err
		}
		if changed {
			if st.orig != nil {
				if err := WriteFileAtomic(st.fs, filePath(st.dir, BackupFile), st.orig); err != nil {
					return fmt.Errorf("keep state backup: %w", err)
				}
				st.written += int64(len(st.orig))
				st.orig = nil
			}
			if err := WriteFileAtomic(st.fs, filePath(st.dir, StateFile), data); err != nil {
				return fmt.Errorf("write state: %w", err)
			}
			st.written += int64(len(data))
			st.cur.Serial, st.baseEnc = serial, data
		}
		st.dirty = false
	}
	st.synced = st.appended // state.json holds every record appended so far
	if err := st.resetJournal(); err != nil {
		return err
	}
	st.brokenErr = nil
	return st.writeLockfile()
}

// resetJournal closes and removes the journal, whose records state.json
// now holds. The next record begins a new one.
func (st *Store) resetJournal() error {
	var err error
	if st.journal != nil {
		err = st.journal.Close()
		st.journal = nil
	}
	st.jsize = 0
	if rerr := st.fs.Remove(filePath(st.dir, JournalFile)); rerr != nil && !errors.Is(rerr, iofs.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	if err != nil {
		return fmt.Errorf("remove folded state journal: %w", err)
	}
	return nil
}

// writeLockfile writes the lockfile when its content changed. A project
// without images and without a lockfile gets none.
func (st *Store) writeLockfile() error {
	if st.lockEnc == nil && len(st.cur.Assets) == 0 && len(st.lockOnly) == 0 {
		return nil
	}
	enc := encodeLock(lockWith(st.cur, st.lockOnly), st.lockCache)
	if bytes.Equal(enc, st.lockEnc) {
		return nil
	}
	if err := WriteFileAtomic(st.fs, filePath(st.dir, LockfileName), enc); err != nil {
		return fmt.Errorf("write lockfile: %w", err)
	}
	st.written += int64(len(enc))
	st.lockEnc = enc
	return nil
}

// lockWith is the lockfile a Store writes: LockFrom(s), plus the images
// only the lockfile knew (only) that s still lacks.
func lockWith(s *State, only map[string]LockImage) *Lock {
	l := LockFrom(s)
	for addr, img := range only {
		if s.Assets[addr] == nil {
			l.Images = append(l.Images, img)
		}
	}
	return l
}

// readLockFor reads the lockfile as Open finds it: its bytes (nil when
// absent) and the images it has that s lacks, which a Store keeps in the
// lockfile until they are forgotten, moved or done again. Without that, the
// first apply on a fresh clone, which has no state, would empty the
// lockfile.
func readLockFor(fs afero.Fs, dir string, s *State) ([]byte, map[string]LockImage, error) {
	only := map[string]LockImage{}
	name := filePath(dir, LockfileName)
	src, err := afero.ReadFile(fs, name)
	if errors.Is(err, iofs.ErrNotExist) {
		return nil, only, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read lockfile: %w", err)
	}
	l, err := decodeLock(src, name)
	if err != nil {
		return nil, nil, err
	}
	for _, img := range l.Images {
		if s.Assets[img.Addr] == nil {
			only[img.Addr] = img
		}
	}
	return src, only, nil
}

// applyLockOnly performs a record on the images only the lockfile knows.
func applyLockOnly(only map[string]LockImage, r *record) {
	switch r.Op {
	case opDone:
		delete(only, r.Asset.Addr)
	case opForget:
		delete(only, r.Addr)
	case opMove:
		// An entry the state has too is written from the state.
		if img, ok := only[r.Addr]; ok {
			delete(only, r.Addr)
			img.Addr = r.To
			if r.Output != "" {
				img.Output = r.Output
			}
			only[r.To] = img
		}
	}
}
