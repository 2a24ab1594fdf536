package pg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Claim is the row of a fingerprint being paid for.
type Claim struct {
	Fingerprint string
	Workspace   string    // of the claimer
	Holder      string    // the claimer, as user@host pid N
	HolderID    string    // its lock ID
	BackendPID  int       // its dedicated connection's server process
	TaskID      string    // "" until the claimer recorded its task
	ClaimedAt   time.Time // zero when the claimer has not written its row yet
	// SHA256 is set, and nothing else, when the store already holds a
	// generation of the fingerprint: take it from there, at 0 credits.
	SHA256 string
}

// ClaimOptions says what a claim is for.
type ClaimOptions struct {
	// New claims the fingerprint for a new generation even when the store
	// holds one (-replace, more variants).
	New bool
}

// ErrNotClaimed is wrapped in the error of SetTask, Release and Complete
// on a fingerprint this Session does not hold.
var ErrNotClaimed = errors.New("fingerprint not claimed by this pixform")

// Claim claims fingerprint fp before paying for it, so that a fingerprint
// is paid for at most once by everyone sharing the database. A claim is a
// session advisory lock on the Session's dedicated connection plus a row
// that names the claimer and, once known, its task id. The answers:
//
//   - won, existing zero: fp is this Session's; submit, record the task
//     with SetTask, and end with Complete (or Release).
//   - won, existing.Holder set: the previous claimer died (its connection,
//     and so its lock, is gone) and this Session took its claim over: resume
//     existing.TaskID instead of submitting again; when it is "" the dead
//     claimer may have been accepted by the service unrecorded (the one
//     unavoidable window): name it to the user, then submit.
//   - not won, existing.SHA256 set: the store already holds a generation
//     (unless opts.New): take it from the store.
//   - not won, otherwise: a live pixform is paying for fp right now
//     (existing names it; Holder is "" when its row is not written yet):
//     wait, calling Claim again from time to time.
//
// Claiming a fingerprint the Session already holds wins again, unchanged.
func (s *Session) Claim(ctx context.Context, fp string, opts ClaimOptions) (won bool, existing Claim, err error) {
	key := bigKey("claim", s.db.schema, fp)
	err = s.use(ctx, func(c *pgx.Conn) error {
		var got bool
		if err := c.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
			return err
		}
		row, err := readClaim(ctx, c, fp)
		if err != nil {
			return unlockAfter(ctx, c, got, key, err)
		}
		if !got {
			if row == nil {
				row = &Claim{Fingerprint: fp}
			}
			existing = *row
			return nil
		}
		if row != nil && row.HolderID == s.holder.ID {
			won = true // already ours; the advisory lock is now held twice
			_, err := c.Exec(ctx, `SELECT pg_advisory_unlock($1)`, key)
			return err
		}
		if !opts.New {
			var sha string
			err := c.QueryRow(ctx, `SELECT sha256 FROM generations WHERE fingerprint = $1 ORDER BY created_at DESC, sha256 LIMIT 1`, fp).Scan(&sha)
			if err == nil {
				// In the store already; a row left here is a dead
				// claimer's that landed its image but did not complete.
				existing = Claim{Fingerprint: fp, SHA256: sha}
				if _, err := c.Exec(ctx, `DELETE FROM claims WHERE fingerprint = $1`, fp); err != nil {
					return unlockAfter(ctx, c, true, key, err)
				}
				_, err = c.Exec(ctx, `SELECT pg_advisory_unlock($1)`, key)
				return err
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return unlockAfter(ctx, c, true, key, err)
			}
		}
		if row != nil {
			existing = *row // a dead claimer's: taken over, task id kept
		}
		_, err = c.Exec(ctx, `INSERT INTO claims (fingerprint, workspace, holder, holder_id, backend_pid, task_id, claimed_at)
			VALUES ($1, $2, $3, $4, pg_backend_pid(), '', now())
			ON CONFLICT (fingerprint) DO UPDATE SET workspace = excluded.workspace, holder = excluded.holder,
				holder_id = excluded.holder_id, backend_pid = excluded.backend_pid, claimed_at = excluded.claimed_at`,
			fp, s.ws, s.describe(), s.holder.ID)
		if err != nil {
			return unlockAfter(ctx, c, true, key, err)
		}
		won = true
		return nil
	})
	if err != nil {
		return false, Claim{}, s.wrapClaim("claim "+fp, err)
	}
	return won, existing, nil
}

// Await claims fp, and while a live pixform holds it, waits for it (polling
// with backoff up to every poll) until this Session wins the claim or the
// store holds a generation; it returns what the last Claim said.
func (s *Session) Await(ctx context.Context, fp string, opts ClaimOptions, poll time.Duration) (won bool, existing Claim, err error) {
	wait := min(50*time.Millisecond, poll)
	for {
		won, existing, err = s.Claim(ctx, fp, opts)
		if err != nil || won || existing.SHA256 != "" {
			return won, existing, err
		}
		if err := sleep(ctx, wait); err != nil {
			return false, existing, fmt.Errorf("wait for %s, claimed by %s: %w", fp, existing.Holder, err)
		}
		wait = min(2*wait, poll)
	}
}

func (s *Session) describe() string {
	return fmt.Sprintf("%s@%s pid %d (workspace %s)", s.holder.User, s.holder.Host, s.holder.PID, s.ws)
}

// Claims lists the claims in force, by fingerprint: rows whose claimer
// still holds its lock. Rows of dead claimers are left out: they are
// taken over by the next Claim.
func (db *DB) Claims(ctx context.Context) ([]Claim, error) {
	rows, _ := db.pool.Query(ctx, `SELECT fingerprint, workspace, holder, holder_id, backend_pid, task_id, claimed_at
		FROM claims c WHERE EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = c.backend_pid)
		ORDER BY fingerprint`)
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Claim, error) {
		var c Claim
		err := r.Scan(&c.Fingerprint, &c.Workspace, &c.Holder, &c.HolderID, &c.BackendPID, &c.TaskID, &c.ClaimedAt)
		return c, err
	})
	return cs, db.wrap("read the claims", err)
}

func readClaim(ctx context.Context, c *pgx.Conn, fp string) (*Claim, error) {
	cl := &Claim{Fingerprint: fp}
	err := c.QueryRow(ctx, `SELECT workspace, holder, holder_id, backend_pid, task_id, claimed_at FROM claims WHERE fingerprint = $1`, fp).
		Scan(&cl.Workspace, &cl.Holder, &cl.HolderID, &cl.BackendPID, &cl.TaskID, &cl.ClaimedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return cl, err
}

func unlockAfter(ctx context.Context, c *pgx.Conn, locked bool, key int64, err error) error {
	if locked && !c.IsClosed() {
		_, _ = c.Exec(ctx, `SELECT pg_advisory_unlock($1)`, key)
	}
	return err
}

// SetTask records the task id of a claimed fingerprint, the moment it
// arrives, so that whoever takes the claim over resumes it.
func (s *Session) SetTask(ctx context.Context, fp, taskID string) error {
	err := s.use(ctx, func(c *pgx.Conn) error {
		tag, err := c.Exec(ctx, `UPDATE claims SET task_id = $3 WHERE fingerprint = $1 AND holder_id = $2`, fp, s.holder.ID, taskID)
		if err == nil && tag.RowsAffected() == 0 {
			return ErrNotClaimed
		}
		return err
	})
	return s.wrapClaim("record task "+taskID+" of "+fp, err)
}

// Release gives a claim up without a generation (the task failed, or the
// apply stops): the row goes, and the next claimer submits anew.
func (s *Session) Release(ctx context.Context, fp string) error {
	return s.endClaim(ctx, fp, "")
}

// Complete ends the claim of fp once its generation sha is in the store's
// index (AddGeneration first): those waiting on fp then find it there.
func (s *Session) Complete(ctx context.Context, fp, sha string) error {
	return s.endClaim(ctx, fp, sha)
}

func (s *Session) endClaim(ctx context.Context, fp, sha string) error {
	key := bigKey("claim", s.db.schema, fp)
	err := s.use(ctx, func(c *pgx.Conn) error {
		if sha != "" {
			var ok bool
			if err := c.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM generations WHERE fingerprint = $1 AND sha256 = $2)`, fp, sha).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("generation %s of %s is not in the store's index: add it before completing the claim", sha, fp)
			}
		}
		tag, err := c.Exec(ctx, `DELETE FROM claims WHERE fingerprint = $1 AND holder_id = $2`, fp, s.holder.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotClaimed
		}
		_, err = c.Exec(ctx, `SELECT pg_advisory_unlock($1)`, key)
		return err
	})
	return s.wrapClaim("end the claim of "+fp, err)
}

func (s *Session) wrapClaim(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrLockLost), errors.Is(err, ErrNotClaimed):
		return fmt.Errorf("%s: %w", what, err)
	}
	return s.db.wrap(what, err)
}
