package pg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Image is one image record of a workspace: the pg twin of state.Asset.
type Image struct {
	Addr        string
	Output      string
	SHA256      string
	Fingerprint string
	Provider    string
	Model       string
	Prompt      string
	Inputs      map[string]string
	Refs        []string
	Ignored     []string
	TaskID      string
	Consumed    float64
	GeneratedAt time.Time
	Sensitive   bool
	Pick        string // the candidate picked, "sha256:..."; "" for none
}

// Pending is a task in flight in a workspace: the pg twin of state.Pending.
// TaskID is empty while only the intent is recorded.
type Pending struct {
	Addr        string
	Fingerprint string
	Provider    string
	Model       string
	TaskID      string
	IntentAt    time.Time
	SubmittedAt time.Time // zero until the task id is known
	Unsent      bool      // no request of the intent may have been accepted
	Ambiguous   bool      // an apply gave up after answers were lost
	Counted     bool      // its credits are counted in a summary already
}

// ModelStats is the spending history of one model, across every workspace.
type ModelStats struct {
	Tasks    int
	Consumed float64
}

// Workspace is a workspace row.
type Workspace struct {
	Name    string
	Lineage string
	Serial  int64
}

func (db *DB) ensureWorkspace(ctx context.Context, ws string) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO workspaces (name, lineage) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, ws, randomID()+randomID())
	return db.wrap("create workspace "+ws, err)
}

// Workspace reads the row of ws; nil when it does not exist.
func (db *DB) Workspace(ctx context.Context, ws string) (*Workspace, error) {
	w := &Workspace{Name: ws}
	err := db.pool.QueryRow(ctx, `SELECT lineage, serial FROM workspaces WHERE name = $1`, ws).Scan(&w.Lineage, &w.Serial)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return w, db.wrap("read workspace "+ws, err)
}

// Workspaces lists the workspaces, by name.
func (db *DB) Workspaces(ctx context.Context) ([]string, error) {
	rows, _ := db.pool.Query(ctx, `SELECT name FROM workspaces ORDER BY name`)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return names, db.wrap("list workspaces", err)
}

// Images reads every image record of ws, by address.
func (db *DB) Images(ctx context.Context, ws string) ([]Image, error) {
	rows, _ := db.pool.Query(ctx, `SELECT addr, output, sha256, fingerprint, provider, model, prompt, inputs, refs, ignored,
		task_id, consumed, generated_at, sensitive, pick FROM images WHERE workspace = $1 ORDER BY addr`, ws)
	imgs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Image, error) {
		var im Image
		err := r.Scan(&im.Addr, &im.Output, &im.SHA256, &im.Fingerprint, &im.Provider, &im.Model, &im.Prompt,
			&im.Inputs, &im.Refs, &im.Ignored, &im.TaskID, &im.Consumed, &im.GeneratedAt, &im.Sensitive, &im.Pick)
		return im, err
	})
	return imgs, db.wrap("read the images of workspace "+ws, err)
}

// PendingTasks reads the tasks in flight of ws, by address.
func (db *DB) PendingTasks(ctx context.Context, ws string) ([]Pending, error) {
	rows, _ := db.pool.Query(ctx, `SELECT addr, fingerprint, provider, model, task_id, intent_at, submitted_at,
		unsent, ambiguous, counted FROM pending WHERE workspace = $1 ORDER BY addr`, ws)
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Pending, error) {
		var p Pending
		var sub *time.Time
		err := r.Scan(&p.Addr, &p.Fingerprint, &p.Provider, &p.Model, &p.TaskID, &p.IntentAt, &sub, &p.Unsent, &p.Ambiguous, &p.Counted)
		if sub != nil {
			p.SubmittedAt = *sub
		}
		return p, err
	})
	return ps, db.wrap("read the tasks in flight of workspace "+ws, err)
}

// ModelStats sums the credits history by model, across every workspace.
func (db *DB) ModelStats(ctx context.Context) (map[string]ModelStats, error) {
	rows, _ := db.pool.Query(ctx, `SELECT model, count(*), coalesce(sum(consumed), 0) FROM credits GROUP BY model`)
	out := map[string]ModelStats{}
	var model string
	var st ModelStats
	_, err := pgx.ForEachRow(rows, []any{&model, &st.Tasks, &st.Consumed}, func() error {
		out[model] = st
		return nil
	})
	return out, db.wrap("read the credits history", err)
}

// write runs f in a transaction on the pool, fenced by the lock: it first
// checks, holding a share lock on the holder row, that the row still names
// this Session, so that once another pixform has taken the workspace over
// (after this one's connection died) no write of this one lands. Each
// write also bumps the workspace's serial. A write costs O(1) whatever the
// size of the workspace.
func (s *Session) write(ctx context.Context, what string, f func(tx pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		var id string
		err := tx.QueryRow(ctx, `SELECT id FROM lock_holders WHERE workspace = $1 FOR SHARE`, s.ws).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && id != s.holder.ID) {
			return fmt.Errorf("%s in workspace %q: %w: another pixform holds it now, or it was force-unlocked; nothing was written", what, s.ws, ErrLockLost)
		}
		if err != nil {
			return err
		}
		if err := f(tx); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE workspaces SET serial = serial + 1 WHERE name = $1`, s.ws)
		return err
	})
	if errors.Is(err, ErrLockLost) {
		return err
	}
	return s.db.wrap(what, err)
}

// PutImage records img, replacing the record of its address: one row.
func (s *Session) PutImage(ctx context.Context, img Image) error {
	return s.write(ctx, "record "+img.Addr, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO images (workspace, addr, output, sha256, fingerprint, provider, model, prompt,
				inputs, refs, ignored, task_id, consumed, generated_at, sensitive, pick)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
			ON CONFLICT (workspace, addr) DO UPDATE SET output = excluded.output, sha256 = excluded.sha256,
				fingerprint = excluded.fingerprint, provider = excluded.provider, model = excluded.model,
				prompt = excluded.prompt, inputs = excluded.inputs, refs = excluded.refs, ignored = excluded.ignored,
				task_id = excluded.task_id, consumed = excluded.consumed, generated_at = excluded.generated_at,
				sensitive = excluded.sensitive, pick = excluded.pick`,
			s.ws, img.Addr, img.Output, img.SHA256, img.Fingerprint, img.Provider, img.Model, img.Prompt,
			jsonValue(len(img.Inputs), img.Inputs), jsonOrNil(img.Refs), jsonOrNil(img.Ignored), img.TaskID, img.Consumed, img.GeneratedAt, img.Sensitive, img.Pick)
		if err != nil {
			return err
		}
		// The image has landed: its task is no longer in flight.
		_, err = tx.Exec(ctx, `DELETE FROM pending WHERE workspace = $1 AND addr = $2`, s.ws, img.Addr)
		return err
	})
}

func jsonOrNil[T any](v []T) any { return jsonValue(len(v), v) }

func jsonValue(n int, v any) any {
	if n == 0 {
		return nil
	}
	b, _ := json.Marshal(v)
	return b
}

// DeleteImage forgets the record of addr, and its task in flight if any
// (as the local state's Forget does).
func (s *Session) DeleteImage(ctx context.Context, addr string) error {
	return s.write(ctx, "forget "+addr, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM images WHERE workspace = $1 AND addr = $2`, s.ws, addr); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM pending WHERE workspace = $1 AND addr = $2`, s.ws, addr)
		return err
	})
}

// MoveImage renames the record of from to to, with its new output path.
func (s *Session) MoveImage(ctx context.Context, from, to, output string) error {
	return s.write(ctx, "move "+from, func(tx pgx.Tx) error {
		if to != from { // a move onto itself (a new output path only) keeps its row
			if _, err := tx.Exec(ctx, `DELETE FROM images WHERE workspace = $1 AND addr = $2`, s.ws, to); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `UPDATE images SET addr = $3, output = $4 WHERE workspace = $1 AND addr = $2`, s.ws, from, to, output)
		return err
	})
}

// PutIntent records that p is about to be submitted. It must be durable
// before the submission: it is, when PutIntent returns nil.
func (s *Session) PutIntent(ctx context.Context, p Pending) error {
	return s.write(ctx, "record the intent of "+p.Addr, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO pending (workspace, addr, fingerprint, provider, model, task_id, intent_at, ambiguous)
			VALUES ($1, $2, $3, $4, $5, '', $6, $7)
			ON CONFLICT (workspace, addr) DO UPDATE SET fingerprint = excluded.fingerprint, provider = excluded.provider,
				model = excluded.model, task_id = '', intent_at = excluded.intent_at, submitted_at = NULL,
				unsent = false, counted = false, ambiguous = excluded.ambiguous`,
			s.ws, p.Addr, p.Fingerprint, p.Provider, p.Model, p.IntentAt, p.Ambiguous)
		return err
	})
}

// SetPendingTask records the task id of addr's intent, the moment it arrives.
func (s *Session) SetPendingTask(ctx context.Context, addr, taskID string, at time.Time) error {
	return s.write(ctx, "record the task of "+addr, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE pending SET task_id = $3, submitted_at = $4 WHERE workspace = $1 AND addr = $2`, s.ws, addr, taskID, at)
		if err == nil && tag.RowsAffected() == 0 {
			return fmt.Errorf("no intent recorded for %s", addr)
		}
		return err
	})
}

// PendingFlag names a flag of a task in flight.
type PendingFlag string

// The flags of a task in flight (Pending's fields of the same names).
const (
	FlagUnsent    PendingFlag = "unsent"
	FlagAmbiguous PendingFlag = "ambiguous"
	FlagCounted   PendingFlag = "counted"
)

// SetPendingFlag sets flag on the task in flight of addr; an address with
// none is left alone.
func (s *Session) SetPendingFlag(ctx context.Context, addr string, flag PendingFlag) error {
	col := map[PendingFlag]string{FlagUnsent: "unsent", FlagAmbiguous: "ambiguous", FlagCounted: "counted"}[flag]
	if col == "" {
		return fmt.Errorf("set %q on the task of %s: no such flag", flag, addr)
	}
	return s.write(ctx, "mark the task of "+addr+" "+col, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE pending SET `+col+` = true WHERE workspace = $1 AND addr = $2`, s.ws, addr)
		return err
	})
}

// DeletePending forgets the task in flight of addr (abandoned or failed).
func (s *Session) DeletePending(ctx context.Context, addr string) error {
	return s.write(ctx, "forget the task of "+addr, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM pending WHERE workspace = $1 AND addr = $2`, s.ws, addr)
		return err
	})
}

// AddCredits appends a finished task to the credits history.
func (s *Session) AddCredits(ctx context.Context, model, taskID string, consumed float64, at time.Time) error {
	return s.write(ctx, "record the credits of task "+taskID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO credits (workspace, model, task_id, consumed, at) VALUES ($1, $2, $3, $4, $5)`,
			s.ws, model, taskID, consumed, at)
		return err
	})
}
