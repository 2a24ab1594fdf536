package state

import (
	"fmt"
	"maps"
)

// Group commit. A Record* call appends its line and updates the state
// under st.mu, so the journal holds the records in the order of the calls,
// but it fsyncs outside st.mu: the records appended while one fsync runs
// wait for the next, which one of them (the first to find no fsync under
// way) does for all of them. A call returns once an fsync that covers its
// own line has ended; one fsync costs about what one record used to, so
// many tasks in flight no longer queue on the lock for a fsync each.
//
// A fold (compact) writes every record appended so far into state.json, so
// it completes the records still waiting; it waits for the fsync under way
// first, and no fsync starts during a fold, so the journal file is never
// closed or replaced under a running fsync.

// syncGen is a group of records that one fsync of the journal covers:
// those appended since the previous group was taken. Its fields are
// guarded by st.mu.
type syncGen struct {
	done bool  // the group is durable (err nil) or failed
	err  error // why the group failed
}

// pending returns the group that the record just appended belongs to.
func (st *Store) pending() *syncGen {
	if st.next == nil {
		st.next = &syncGen{}
	}
	return st.next
}

// await waits, with st.mu held, until the group g is durable or failed,
// doing the fsync itself when nobody else is.
func (st *Store) await(g *syncGen) error {
	for !g.done {
		if st.syncing || st.folding {
			st.cond.Wait()
			continue
		}
		// g is not done and nothing is syncing or folding it, so it is
		// still st.next.
		st.syncNext()
	}
	return g.err
}

// flush waits, with st.mu held, until every record appended so far is
// durable or failed and no fsync is under way.
func (st *Store) flush() {
	for st.syncing || st.next != nil {
		if st.syncing || st.folding {
			st.cond.Wait()
			continue
		}
		st.syncNext()
	}
}

// syncNext fsyncs the journal for the group st.next, outside st.mu, and
// completes it. st.mu is held, no fsync is under way and st.next is set.
func (st *Store) syncNext() {
	g, f, end, fresh := st.next, st.journal, st.jsize, st.jfresh
	st.next, st.syncing = nil, true
	st.mu.Unlock()
	err := f.Sync()
	if err == nil && fresh {
		err = syncDir(st.fs, filePath(st.dir, stateDir))
	}
	st.mu.Lock()
	st.syncing = false
	// Nothing closed or replaced the journal meanwhile: a fold waits for
	// the fsync under way, and so does Close.
	if err == nil {
		st.jsynced = end
		if fresh {
			st.jfresh = false
		}
		g.done = true
	} else {
		st.syncFailed(g, fmt.Errorf("write state journal: %w", err))
	}
	st.cond.Broadcast()
}

// syncFailed fails the group g, whose fsync failed with err, and the
// records appended since: the journal is cut back to what an earlier fsync
// made durable, and the state to what those records hold, so that nothing
// of a failed call stays recorded, as with a failed write.
func (st *Store) syncFailed(g *syncGen, err error) {
	for _, p := range []*syncGen{g, st.next} {
		if p != nil {
			p.done, p.err = true, err
		}
	}
	st.next = nil
	if terr := st.journal.Truncate(st.jsynced); terr != nil {
		st.brokenErr = fmt.Errorf("the state journal may end in records whose fsync failed: %w", terr)
	}
	st.jsize = st.jsynced
	if st.jsynced == 0 {
		// Not even its header was durable: drop it, as a failed first write does.
		_ = st.journal.Close() // nothing of it counts: err is what matters
		_ = st.fs.Remove(filePath(st.dir, JournalFile))
		st.journal, st.jfresh = nil, false
	}
	if rerr := st.rollback(); rerr != nil {
		st.fatalErr = fmt.Errorf("after a failed write of the state journal (%v), the records it holds cannot be read back (%w); "+
			"this apply records nothing more: run it again to resume from %s", err, rerr, JournalFile)
	}
}

// rollback rebuilds the state (and the images only the lockfile knows)
// from state.json as last written and the durable part of the journal.
func (st *Store) rollback() error {
	s, err := decodeState(st.baseEnc)
	if err != nil {
		return err
	}
	var recs []record
	if st.journal != nil && st.jsynced > 0 {
		data := make([]byte, st.jsynced)
		if _, err := st.journal.ReadAt(data, 0); err != nil {
			return fmt.Errorf("read state journal: %w", err)
		}
		if _, recs, err = parseJournal(data); err != nil {
			return err
		}
	}
	s.Serial = st.cur.Serial
	st.cur, st.lockOnly = s, maps.Clone(st.lockBase)
	for i := range recs {
		recs[i].apply(st.cur)
		st.applyLockOnly(&recs[i])
	}
	return nil
}
