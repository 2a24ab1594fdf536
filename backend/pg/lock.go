package pg

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/user"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrLocked is wrapped (by a *LockedError) in the error Lock returns when
// another pixform holds the workspace's lock.
var ErrLocked = errors.New("workspace is locked")

// ErrLockLost is wrapped in the error of a Session's writes once its
// dedicated connection is gone (the server restarted, the connection was
// killed, force-unlock): the lock may be someone else's by now.
var ErrLockLost = errors.New("the workspace lock was lost")

// Holder is the row naming who holds a workspace's lock.
type Holder struct {
	Workspace  string
	ID         string // random, the argument of force-unlock
	User       string // the OS user of the holding pixform
	Host       string
	PID        int // of the holding pixform
	BackendPID int // of its dedicated connection's server process
	Started    time.Time
}

// String describes the holder for messages.
func (h *Holder) String() string {
	return fmt.Sprintf("%s@%s, pixform pid %d, since %s (lock ID %s)",
		h.User, h.Host, h.PID, h.Started.Format(time.RFC3339), h.ID)
}

// LockedError is the error Lock returns when the lock stays held past the
// timeout. It wraps ErrLocked.
type LockedError struct {
	Workspace string
	Holder    *Holder // nil when the holder has not written its row yet
}

func (e *LockedError) Error() string {
	if e.Holder == nil {
		return fmt.Sprintf("workspace %q is locked by a pixform that is taking the lock right now: wait for it to finish and run again, or pass -lock-timeout=DURATION to wait for it", e.Workspace)
	}
	return fmt.Sprintf("workspace %q is locked by %s: wait for it to finish and run again, or pass -lock-timeout=DURATION to wait for it; "+
		"if it is no longer running, release the lock with `pixform force-unlock %s`", e.Workspace, e.Holder, e.Holder.ID)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// LockOptions says how Lock waits.
type LockOptions struct {
	// Timeout is how long to wait for the holder to release the lock
	// (-lock-timeout); 0 means fail at once.
	Timeout time.Duration
	// Now stamps Holder.Started; nil means time.Now. Waiting uses the
	// real clock.
	Now func() time.Time
}

// Session is a workspace's lock, held by a session advisory lock on one
// dedicated connection (never a pooled one: a session lock taken on a
// pooled connection outlives its user and is released by nobody). The
// lock lasts as long as the connection; Close releases it, and so does the
// death of the process or of the connection. Claims ride on the same
// connection. A Session's methods may be called from several goroutines.
type Session struct {
	db     *DB
	ws     string
	holder Holder
	mu     sync.Mutex // serialises the use of conn
	conn   *pgx.Conn
	closed bool
}

// Lock takes the lock of workspace ws, creating the workspace if it does
// not exist, waiting up to opts.Timeout for a holder to release it.
func (db *DB) Lock(ctx context.Context, ws string, opts LockOptions) (*Session, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if err := db.ensureWorkspace(ctx, ws); err != nil {
		return nil, err
	}
	conn, err := db.dial(ctx)
	if err != nil {
		return nil, err
	}
	k1, k2 := pairKey("workspace", db.schema, ws)
	deadline := time.Now().Add(opts.Timeout)
	wait := 50 * time.Millisecond
	for {
		var ok bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2)`, k1, k2).Scan(&ok); err != nil {
			conn.Close(context.Background())
			return nil, db.wrap("lock workspace "+ws, err)
		}
		if ok {
			break
		}
		if !time.Now().Before(deadline) {
			h, err := db.Holder(ctx, ws)
			conn.Close(context.Background())
			if err != nil {
				return nil, err
			}
			return nil, &LockedError{Workspace: ws, Holder: h}
		}
		if err := sleep(ctx, min(wait, time.Until(deadline))); err != nil {
			conn.Close(context.Background())
			return nil, fmt.Errorf("lock workspace %s: %w", ws, err)
		}
		wait = min(2*wait, time.Second)
	}
	s := &Session{db: db, ws: ws, conn: conn, holder: Holder{
		Workspace: ws, ID: randomID(), User: osUser(), Host: hostname(), PID: os.Getpid(), Started: now().UTC().Truncate(time.Microsecond),
	}}
	err = conn.QueryRow(ctx, `INSERT INTO lock_holders (workspace, id, username, host, pid, backend_pid, started)
		VALUES ($1, $2, $3, $4, $5, pg_backend_pid(), $6)
		ON CONFLICT (workspace) DO UPDATE SET id = excluded.id, username = excluded.username, host = excluded.host,
			pid = excluded.pid, backend_pid = excluded.backend_pid, started = excluded.started
		RETURNING backend_pid`,
		ws, s.holder.ID, s.holder.User, s.holder.Host, s.holder.PID, s.holder.Started).Scan(&s.holder.BackendPID)
	if err != nil {
		conn.Close(context.Background())
		return nil, db.wrap("lock workspace "+ws, err)
	}
	return s, nil
}

// Holder returns who holds the lock of ws, or nil when nobody does. A row
// left by a holder whose connection died is not a holder: the advisory
// lock is the truth, the row only names it.
func (db *DB) Holder(ctx context.Context, ws string) (*Holder, error) {
	k1, k2 := pairKey("workspace", db.schema, ws)
	h := &Holder{Workspace: ws}
	err := db.pool.QueryRow(ctx, `SELECT h.id, h.username, h.host, h.pid, h.backend_pid, h.started
		FROM lock_holders h
		JOIN pg_locks l ON l.pid = h.backend_pid AND l.locktype = 'advisory' AND l.granted
			AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND l.classid = $2::bigint::oid AND l.objid = $3::bigint::oid AND l.objsubid = 2
		WHERE h.workspace = $1`, ws, k1, k2).Scan(&h.ID, &h.User, &h.Host, &h.PID, &h.BackendPID, &h.Started)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, db.wrap("read the lock holder of workspace "+ws, err)
	}
	return h, nil
}

// ForceUnlock ends the lock of ws if its holder's ID is id, by terminating
// the holder's dedicated connection on the server (pg_terminate_backend),
// and returns the holder it ended so the caller can name it. It needs the
// holder's role or membership in pg_signal_backend.
func (db *DB) ForceUnlock(ctx context.Context, ws, id string) (*Holder, error) {
	h, err := db.Holder(ctx, ws)
	switch {
	case err != nil:
		return nil, fmt.Errorf("force-unlock: %w", err)
	case h == nil:
		return nil, fmt.Errorf("force-unlock: workspace %q is not locked: nothing to release", ws)
	case h.ID != id:
		return nil, fmt.Errorf("force-unlock: workspace %q is locked by %s, not by lock ID %s: nothing was released; check the ID", ws, h, id)
	}
	var ok bool
	err = db.pool.QueryRow(ctx, `SELECT pg_terminate_backend($1, 10000)`, h.BackendPID).Scan(&ok)
	if err != nil {
		return nil, db.wrap("force-unlock workspace "+ws, err)
	}
	if !ok {
		return nil, fmt.Errorf("force-unlock: the server did not end the connection of %s within 10s: run force-unlock again", h)
	}
	if _, err := db.pool.Exec(ctx, `DELETE FROM lock_holders WHERE workspace = $1 AND id = $2`, ws, id); err != nil {
		return h, db.wrap("force-unlock workspace "+ws, err)
	}
	return h, nil
}

// Holder is the row this Session wrote.
func (s *Session) Holder() Holder { return s.holder }

// Workspace is the workspace this Session locks.
func (s *Session) Workspace() string { return s.ws }

// Check reports whether the Session still holds its lock: an error
// wrapping ErrLockLost once the dedicated connection is gone. The executor
// calls it before each submission, so a lost lock stops spending.
func (s *Session) Check(ctx context.Context) error {
	return s.use(ctx, func(c *pgx.Conn) error {
		var n int
		return c.QueryRow(ctx, `SELECT 1`).Scan(&n)
	})
}

// use runs f on the dedicated connection, one caller at a time; an error
// of a dead connection comes back wrapping ErrLockLost.
func (s *Session) use(ctx context.Context, f func(*pgx.Conn) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("workspace %q: %w: the session is closed", s.ws, ErrLockLost)
	}
	err := f(s.conn)
	if err != nil && s.conn.IsClosed() {
		return fmt.Errorf("workspace %q: %w (its connection is gone: %w); run again to resume",
			s.ws, ErrLockLost, s.db.wrap("use the lock connection", err))
	}
	return err
}

// Close releases the lock (and every claim of the Session) by closing the
// dedicated connection, after removing the holder row.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := s.conn.Exec(ctx, `DELETE FROM lock_holders WHERE workspace = $1 AND id = $2`, s.ws, s.holder.ID)
	if cerr := s.conn.Close(ctx); err == nil {
		err = cerr
	}
	if err != nil && !s.conn.IsClosed() {
		return s.db.wrap("unlock workspace "+s.ws, err)
	}
	return nil // the connection is closed: the lock is released whatever failed before
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

func hostname() string {
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return "unknown"
}
