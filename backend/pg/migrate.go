package pg

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one embedded SQL file, migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded migrations by version. Their versions must
// run 1, 2, 3 ... without a gap (TestMigrationsNumbered checks it).
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: the name must start with its version, as 0001_init.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// SchemaVersion is the schema version this binary creates and reads: the
// number of its last migration.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// NewerSchemaError is returned when the schema was migrated by a newer
// pixform than this one.
type NewerSchemaError struct {
	Schema string
	Found  int // the schema's version
	Known  int // this binary's
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("schema %q is at version %d, newer than this pixform knows (%d): a newer pixform migrated it; upgrade pixform to use it (this one changes nothing)",
		e.Schema, e.Found, e.Known)
}

// migrate creates the schema and applies the migrations it lacks, in one
// transaction under a transaction-level advisory lock, so that two
// processes migrating at once apply each migration once: the second waits
// for the first and then finds nothing left to do.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Up to date (the usual case): nothing to lock, nothing to create, so
	// a role without CREATE on the database or schema opens it too.
	if db.checkVersion(ctx) == nil {
		return nil
	}
	k1, k2 := pairKey("migrate", db.schema, "")
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, k1, k2); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, db.schema).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			if _, err := tx.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{db.schema}.Sanitize()); err != nil {
				return err
			}
		}
		// Without USAGE the schema is not even on the search_path, and
		// PostgreSQL's own message ("no schema has been selected") hides why.
		var may bool
		if err := tx.QueryRow(ctx, `SELECT has_schema_privilege($1, 'USAGE, CREATE')`, db.schema).Scan(&may); err != nil {
			return err
		}
		if !may {
			return &privilegeError{fmt.Sprintf("role %q may not create tables in schema %q, and the schema is not at this pixform's version %d: "+
				"migrate it once with a role that may (GRANT USAGE, CREATE ON SCHEMA), or see the README for the GRANTs of an applier and a read-only role",
				db.where.user, db.schema, ms[len(ms)-1].version)}
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&have); err != nil {
			return err
		}
		if known := ms[len(ms)-1].version; have > known {
			return &NewerSchemaError{Schema: db.schema, Found: have, Known: known}
		}
		for _, m := range ms {
			if m.version <= have {
				continue
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
				return err
			}
		}
		return nil
	})
	var newer *NewerSchemaError
	var priv *privilegeError
	if errors.As(err, &newer) || errors.As(err, &priv) {
		return err
	}
	return db.wrap("migrate schema "+strconv.Quote(db.schema), err)
}

// checkVersion is migrate for a read-only role: it changes nothing and
// refuses a schema that is missing, older or newer than this binary.
func (db *DB) checkVersion(ctx context.Context) error {
	known := SchemaVersion()
	var have int
	err := db.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&have)
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "42P01": // undefined_table
		return fmt.Errorf("schema %q has no pixform tables in %s: run an apply with a role that may create them first", db.schema, db.where)
	case err != nil:
		return db.wrap("read schema version", err)
	case have > known:
		return &NewerSchemaError{Schema: db.schema, Found: have, Known: known}
	case have < known:
		return fmt.Errorf("schema %q is at version %d, older than this pixform (%d), and a read-only connection cannot migrate it: run an apply with a role that may, first", db.schema, have, known)
	}
	return nil
}

type privilegeError struct{ msg string }

func (e *privilegeError) Error() string { return e.msg }
