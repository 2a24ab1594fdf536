package pg

import (
	"context"
	"testing"
	"time"

	"github.com/pixform/pixform/internal/pgtest"
)

// testCtx bounds a test's calls so that a bug shows as a failure, not a
// hung test binary; no assertion depends on it.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// openTest opens a DB on a fresh schema of the test server.
func openTest(t *testing.T) (*DB, string) {
	t.Helper()
	_, schema := pgtest.New(t)
	return openSchema(t, schema), schema
}

func openSchema(t *testing.T, schema string) *DB {
	t.Helper()
	db, err := Open(testCtx(t), Options{Conn: pgtest.Base(t), Schema: schema})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

func lockTest(t *testing.T, db *DB, ws string) *Session {
	t.Helper()
	s, err := db.Lock(testCtx(t), ws, LockOptions{})
	if err != nil {
		t.Fatalf("Lock %s: %v", ws, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// kill ends the server process of a Session's dedicated connection, as the
// death of its pixform or a network cut would, and waits until it is gone.
func kill(t *testing.T, db *DB, s *Session) {
	t.Helper()
	var ok bool
	if err := db.pool.QueryRow(testCtx(t), `SELECT pg_terminate_backend($1, 60000)`, s.Holder().BackendPID).Scan(&ok); err != nil || !ok {
		t.Fatalf("pg_terminate_backend: %v %v", ok, err)
	}
}
