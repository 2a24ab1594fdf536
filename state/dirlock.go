package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"time"

	"github.com/spf13/afero"
)

// ErrLocked is wrapped (by a *LockedError) in the error Open returns when
// another pixform holds the directory lock, or when the lock file is corrupt.
var ErrLocked = errors.New("state is locked")

// CorruptLockID is the ID that ForceUnlock takes to remove a lock file that
// does not name its holder (edited by hand, damaged, or left empty by a
// kill on a filesystem without hard links): `pixform force-unlock corrupt`.
const CorruptLockID = "corrupt"

// Polling while waiting for the lock.
const (
	lockPoll    = 200 * time.Millisecond
	corruptWait = 50 * time.Millisecond // a lock file being written reads as corrupt this long at most
)

// LockOptions says how Open takes the directory lock.
type LockOptions struct {
	// Timeout is how long to wait for a live holder to release the lock;
	// 0 means fail at once. A holder gone from this host (dead, or its
	// pid now another process's) is taken over at once whatever the
	// timeout.
	Timeout time.Duration
	// Now stamps Holder.Started; nil means time.Now. Waiting uses the real
	// clock.
	Now func() time.Time
	// Context, when not nil, ends the wait early when it is done.
	Context context.Context
}

// Holder is the content of .pixform/lock.json: who holds the lock.
type Holder struct {
	ID      string    `json:"id"`   // random, the argument of force-unlock
	PID     int       `json:"pid"`  // of the holding pixform
	Host    string    `json:"host"` // os.Hostname of its machine
	Started time.Time `json:"started"`
	// Process names the holding process's start (see processStart), so
	// that a pid reused by another process is not taken for the holder;
	// empty where it cannot be read, and in locks of older pixforms.
	Process string `json:"process,omitempty"`
}

// String describes the holder for messages.
func (h *Holder) String() string {
	return fmt.Sprintf("pixform pid %d on host %s since %s (lock ID %s)",
		h.PID, h.Host, h.Started.Format(time.RFC3339), h.ID)
}

// LockedError is the error Open returns when it cannot take the lock. It
// wraps ErrLocked.
type LockedError struct {
	Holder  *Holder // who holds the lock; nil when the lock file is corrupt
	Corrupt error   // why the lock file could not be read, when it could not
}

func (e *LockedError) Error() string {
	if e.Holder == nil {
		return fmt.Sprintf("state lock file %s is corrupt (%v): pixform writes it whole, so it was edited by hand or damaged "+
			"(a disk fault, or a pixform killed while taking the lock on a filesystem without hard links, where it is created, then written); "+
			"if no pixform is running in this directory, remove it with `pixform force-unlock %s`",
			LockFile, e.Corrupt, CorruptLockID)
	}
	return fmt.Sprintf("state is locked by %s: wait for it to finish and run again, or pass -lock-timeout=DURATION to wait for it; "+
		"if it runs on another host and is no longer running, release the lock with `pixform force-unlock %s`",
		e.Holder, e.Holder.ID)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// Takeover is a lock of a holder gone from this host that acquire took
// over, and why it counts as gone.
type Takeover struct {
	Holder *Holder
	Why    string // "is no longer running", ...
}

// acquire takes the lock of dir. It returns the holder it wrote, and the
// takeover of a gone holder's lock, if any.
func acquire(fs afero.Fs, dir string, opts LockOptions) (me *Holder, tookOver *Takeover, err error) {
	name := filePath(dir, LockFile)
	now, ctx := opts.Now, opts.Context
	if now == nil {
		now = time.Now
	}
	if ctx == nil {
		ctx = context.Background()
	}
	host, _ := os.Hostname() // unknown: never take a lock over
	me = &Holder{ID: newID(), PID: os.Getpid(), Host: host, Started: now()}
	me.Process, _ = processStart(me.PID)
	data, err := json.MarshalIndent(me, "", "  ")
	if err != nil {
		return nil, nil, fmt.Errorf("encode state lock: %w", err)
	}
	data = append(data, '\n')
	deadline := time.Now().Add(opts.Timeout)
	graced := false
	for {
		err := createExclusive(fs, name, data)
		if err == nil {
			return me, tookOver, SyncDir(fs, filePath(dir, stateDir))
		}
		if !errors.Is(err, iofs.ErrExist) {
			return nil, nil, fmt.Errorf("take state lock: %w", err)
		}
		held, err := readHolder(fs, name)
		var locked *LockedError
		why := ""
		if err == nil && host != "" && held.Host == host {
			why = goneWhy(held, me)
		}
		switch {
		case errors.Is(err, iofs.ErrNotExist):
			continue // released meanwhile
		case err != nil && !isCorrupt(err):
			return nil, nil, fmt.Errorf("read state lock: %w", err)
		case err != nil && !graced:
			graced = true // perhaps being written: look again once
			locked = &LockedError{Corrupt: err}
			if werr := sleep(ctx, corruptWait); werr != nil {
				return nil, nil, fmt.Errorf("%w (%w)", locked, werr)
			}
			continue
		case err != nil:
			locked = &LockedError{Corrupt: err}
		case why != "":
			if err := removeIfHeldBy(fs, name, held.ID); err != nil {
				return nil, nil, fmt.Errorf("take over the state lock of %s, which %s: %w", held, why, err)
			}
			tookOver = &Takeover{Holder: held, Why: why}
			continue
		default:
			locked = &LockedError{Holder: held}
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, nil, locked
		}
		if err := sleep(ctx, min(left, lockPoll)); err != nil {
			return nil, nil, fmt.Errorf("%w (%w)", locked, err)
		}
	}
}

// goneWhy says why the holder of a lock taken on this host is gone, or ""
// when it may still be running. A live pid counts as gone when it is not
// the process that took the lock: its start differs from the one recorded
// (a pid reused since, or this very pid after a restart), or, in a lock
// that records no start (an older pixform's), its program is not pixform.
// Where a process cannot be examined, a live pid is the holder.
func goneWhy(held, me *Holder) string {
	if held.PID == me.PID {
		if me.Process != "" && held.Process != me.Process {
			return "is no longer running: its pid now belongs to another process (this one)"
		}
		return "" // another Open of this process, or nothing to tell them apart
	}
	if processDead(held.PID) {
		return "is no longer running"
	}
	if held.Process != "" {
		if cur, ok := processStart(held.PID); ok && cur != held.Process {
			return "is no longer running: its pid now belongs to another process"
		}
		return ""
	}
	if is, known := processIsPixform(held.PID); known && !is {
		return "is no longer running: its pid now belongs to a process that is not pixform"
	}
	return ""
}

// readHolder reads a lock file. A file that does not name a holder gives
// a *corruptLock error.
func readHolder(fs afero.Fs, name string) (*Holder, error) {
	data, err := afero.ReadFile(fs, name)
	if err != nil {
		return nil, err
	}
	var h Holder
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, &corruptLock{err}
	}
	if h.ID == "" || h.PID <= 0 {
		return nil, &corruptLock{errors.New("it names no holder")}
	}
	return &h, nil
}

// corruptLock is the error of a lock file that does not name its holder.
type corruptLock struct{ err error }

func (e *corruptLock) Error() string { return e.err.Error() }
func (e *corruptLock) Unwrap() error { return e.err }

func isCorrupt(err error) bool {
	var c *corruptLock
	return errors.As(err, &c)
}

// removeIfHeldBy removes the lock file if it still names id (a dead
// holder). Two pixforms may take the same dead lock over at once: each
// first moves the lock file aside, which only one can do, and checks what
// it moved. One that moved a fresh lock, taken by the other meanwhile,
// puts it back. (Only a third pixform creating a lock in that instant
// could still be fooled, and a fold checks the lock is its own.)
func removeIfHeldBy(fs afero.Fs, name, id string) error {
	aside := name + ".stale-" + newID()
	if err := fs.Rename(name, aside); errors.Is(err, iofs.ErrNotExist) {
		return nil // taken over by another: the caller looks again
	} else if err != nil {
		return err
	}
	held, err := readHolder(fs, aside)
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		return nil // removed by a new holder cleaning up: the caller looks again
	case err == nil && held.ID == id:
		if err := fs.Remove(aside); err != nil && !errors.Is(err, iofs.ErrNotExist) {
			return err
		}
		return nil
	default: // another's fresh lock, perhaps still being written
		return putBack(fs, aside, name)
	}
}

// putBack returns a lock file moved aside to name, unless a lock was made
// there meanwhile.
func putBack(fs afero.Fs, aside, name string) error {
	defer func() { _ = fs.Remove(aside) }() // once linked back, or given up, it is litter
	if onOS(fs) {
		if err := os.Link(aside, name); err != nil && !errors.Is(err, iofs.ErrExist) {
			return fmt.Errorf("put back the state lock of another pixform: %w", err)
		}
		return nil
	}
	if _, err := fs.Stat(name); err == nil {
		return nil
	}
	return fs.Rename(aside, name)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release removes the lock if it still names id.
func release(fs afero.Fs, dir, id string) error {
	name := filePath(dir, LockFile)
	held, err := readHolder(fs, name)
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		return fmt.Errorf("release state lock: %s was removed while this apply ran (by pixform force-unlock?)", LockFile)
	case err != nil:
		return fmt.Errorf("release state lock: %w", err)
	case held.ID != id:
		return fmt.Errorf("release state lock: it is now held by %s, after a force-unlock while this apply ran; left in place", held)
	}
	if err := fs.Remove(name); err != nil {
		return fmt.Errorf("release state lock: %w", err)
	}
	return nil
}

// ForceUnlock removes the directory lock of dir if its ID is id, and returns
// the holder it removed. It is for a holder that pixform cannot check (one
// on another host): a dead holder on this host is taken over by the next
// Open without it. A lock file too corrupt to name its holder is removed
// when id is CorruptLockID; the Holder returned then has only that ID.
func ForceUnlock(fs afero.Fs, dir, id string) (*Holder, error) {
	name := filePath(dir, LockFile)
	held, err := readHolder(fs, name)
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		return nil, fmt.Errorf("force-unlock: the state is not locked (%s does not exist)", LockFile)
	case err != nil && !isCorrupt(err):
		return nil, fmt.Errorf("force-unlock: %w", err)
	case err != nil && id != CorruptLockID:
		return nil, fmt.Errorf("force-unlock: %w", &LockedError{Corrupt: err})
	case err != nil:
		held = &Holder{ID: CorruptLockID}
	case held.ID != id:
		return nil, fmt.Errorf("force-unlock: the state is locked by %s, not by lock ID %s: nothing was released; check the ID", held, id)
	}
	if err := fs.Remove(name); err != nil {
		return nil, fmt.Errorf("force-unlock: %w", err)
	}
	return held, nil
}

// dirLock is the directory lock a Store holds: .pixform/lock.json, made
// by acquire, naming this pixform until release.
type dirLock struct {
	fs     afero.Fs
	dir    string
	holder *Holder
	took   *Takeover // the gone holder's lock acquire took over, or nil
}

// lockDir takes the directory lock of dir (see acquire).
func lockDir(fs afero.Fs, dir string, opts LockOptions) (*dirLock, error) {
	me, took, err := acquire(fs, dir, opts)
	if err != nil {
		return nil, err
	}
	return &dirLock{fs: fs, dir: dir, holder: me, took: took}, nil
}

// lost returns "" while the lock file still names this holder, or what
// became of the lock ("removed", "taken by ...").
func (l *dirLock) lost() string {
	held, err := readHolder(l.fs, filePath(l.dir, LockFile))
	switch {
	case err != nil:
		return "removed"
	case held.ID != l.holder.ID:
		return "taken by " + held.String()
	}
	return ""
}

// release removes the lock file if it still names this holder.
func (l *dirLock) release() error { return release(l.fs, l.dir, l.holder.ID) }
