package state

import "fmt"

// syncTo returns once the record numbered seq is durable. The first caller
// fsyncs the journal for every record appended so far, and those that
// queued behind it while it did find their records durable already: one
// fsync serves a burst of records (a group commit). A fold that writes
// state.json makes every record durable too.
//
// After a failed fsync the journal's unsynced lines are in doubt: every
// record that fsync covered gets its error, and the next record or Close
// folds the state, which is in memory, into state.json first.
func (st *Store) syncTo(op string, seq uint64) error {
	st.syncing.Lock()
	defer st.syncing.Unlock()
	st.mu.Lock()
	if st.synced >= seq {
		st.mu.Unlock()
		return nil
	}
	if st.failedTo >= seq {
		err := st.syncErr
		st.mu.Unlock()
		return fmt.Errorf("record %s: %w", op, err)
	}
	f, upTo := st.journal, st.appended
	st.mu.Unlock()
	if f == nil { // Close failed to fold, and closed the journal
		return fmt.Errorf("record %s: %w before the record was made durable", op, errClosed)
	}

	// A fold may close f meanwhile: the file is closed only once this
	// Sync returns, and the fold makes the records durable itself.
	err := f.Sync()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.synced >= seq {
		return nil
	}
	if err != nil {
		// Every line written so far may have been in the failed
		// writeback, not only those up to upTo: lines appended while
		// this fsync was starting share its pages, and a later fsync of
		// the same file would report success without writing them.
		st.failedTo = st.appended
		st.syncErr = fmt.Errorf("sync state journal: %w", err)
		st.brokenErr = st.syncErr
		return fmt.Errorf("record %s: %w", op, st.syncErr)
	}
	st.synced = max(st.synced, upTo)
	return nil
}
