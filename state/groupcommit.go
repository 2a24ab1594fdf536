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
func (j *journal) syncTo(op string, seq uint64) error {
	j.syncing.Lock()
	defer j.syncing.Unlock()
	j.mu.Lock()
	if j.synced >= seq {
		j.mu.Unlock()
		return nil
	}
	if j.failedTo >= seq {
		err := j.syncErr
		j.mu.Unlock()
		return fmt.Errorf("record %s: %w", op, err)
	}
	f, upTo := j.file, j.appended
	j.mu.Unlock()
	if f == nil { // Close failed to fold, and closed the journal
		return fmt.Errorf("record %s: %w before the record was made durable", op, errClosed)
	}

	// A fold may close f meanwhile: the file is closed only once this
	// Sync returns, and the fold makes the records durable itself.
	err := f.Sync()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.synced >= seq {
		return nil
	}
	if err != nil {
		// Every line written so far may have been in the failed
		// writeback, not only those up to upTo: lines appended while
		// this fsync was starting share its pages, and a later fsync of
		// the same file would report success without writing them.
		j.failedTo = j.appended
		j.syncErr = fmt.Errorf("sync state journal: %w", err)
		j.broken = j.syncErr
		return fmt.Errorf("record %s: %w", op, j.syncErr)
	}
	j.synced = max(j.synced, upTo)
	return nil
}
