package pg

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/pixform/pixform/internal/pgtest"
)

func TestMigrationsNumbered(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %s has version %d, want %d: versions run 1, 2, 3 ... without a gap", m.name, m.version, i+1)
		}
	}
	if SchemaVersion() != len(ms) || len(ms) == 0 {
		t.Errorf("SchemaVersion() = %d with %d migrations", SchemaVersion(), len(ms))
	}
}

// Two processes opening a fresh schema at once both succeed, and each
// migration is applied once.
func TestMigrateConcurrently(t *testing.T) {
	_, schema := pgtest.New(t)
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			db, err := Open(testCtx(t), Options{Conn: pgtest.Base(t), Schema: schema})
			if err == nil {
				db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	db := openSchema(t, schema)
	var rows, max int
	if err := db.pool.QueryRow(testCtx(t), `SELECT count(*), max(version) FROM schema_version`).Scan(&rows, &max); err != nil {
		t.Fatal(err)
	}
	if rows != SchemaVersion() || max != SchemaVersion() {
		t.Errorf("schema_version has %d rows up to %d, want %d", rows, max, SchemaVersion())
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	db, schema := openTest(t)
	if _, err := db.pool.Exec(testCtx(t), `INSERT INTO schema_version (version, name) VALUES (999, '0999_future.sql')`); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		_, err := Open(testCtx(t), Options{Conn: pgtest.Base(t), Schema: schema, ReadOnly: ro})
		var newer *NewerSchemaError
		if !errors.As(err, &newer) || newer.Found != 999 || !strings.Contains(err.Error(), "upgrade pixform") {
			t.Errorf("ReadOnly=%v: got %v, want a *NewerSchemaError at 999 saying to upgrade", ro, err)
		}
	}
}

func TestReadOnlyNeedsAMigratedSchema(t *testing.T) {
	_, schema := pgtest.New(t)
	_, err := Open(testCtx(t), Options{Conn: pgtest.Base(t), Schema: schema, ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "has no pixform tables") {
		t.Fatalf("got %v, want a refusal naming the missing tables", err)
	}
	openSchema(t, schema) // migrates
	db, err := Open(testCtx(t), Options{Conn: pgtest.Base(t), Schema: schema, ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open of a migrated schema: %v", err)
	}
	db.Close()
}
