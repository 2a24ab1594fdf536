package cli_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pixform/pixform/backend/pg"
	"github.com/pixform/pixform/internal/pgtest"
)

// scriptTB lets internal/pgtest make a schema for a testscript: it skips
// the script where PIXFORM_TEST_PG is unset, and fails it where CI is set.
type scriptTB struct{ ts *testscript.TestScript }

func (s scriptTB) Helper() {}
func (s scriptTB) Skip(args ...any) {
	s.ts.Fatalf("%v (guard the script with [!pg] skip)", fmt.Sprint(args...))
}
func (s scriptTB) Fatal(args ...any)              { s.ts.Fatalf("%v", fmt.Sprint(args...)) }
func (s scriptTB) Fatalf(format string, a ...any) { s.ts.Fatalf(format, a...) }
func (s scriptTB) Cleanup(f func())               { s.ts.Defer(f) }
func (s scriptTB) Name() string                   { return "testscript" }

// scriptCondition answers [pg]: whether PIXFORM_TEST_PG names a server.
// Where it is unset and CI is set, the script fails instead of skipping,
// as internal/pgtest's tests do.
func scriptCondition(cond string) (bool, error) {
	if cond != "pg" {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	if os.Getenv(pgtest.Env) != "" {
		return true, nil
	}
	if os.Getenv("CI") != "" {
		return false, fmt.Errorf("%s is not set and CI is: this script needs PostgreSQL; .ci/run starts it and sets %s", pgtest.Env, pgtest.Env)
	}
	return false, nil
}

// cmdPGSchema is "pgschema FILE...": it makes a fresh schema on the test
// server (dropped when the script ends), writes its name where FILE says
// @schema@, and sets PIXFORM_PG_CONN (without a search_path: the spec's
// schema chooses it). With -ro it also sets PGRO_CONN, the connection
// string of the role without privileges (pgtest.EnvReadOnly).
func cmdPGSchema(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("pgschema cannot be negated")
	}
	tb := scriptTB{ts}
	if len(args) > 0 && args[0] == "-ro" {
		ts.Setenv("PGRO_CONN", pgtest.ReadOnly(tb))
		args = args[1:]
	}
	_, schema := pgtest.New(tb)
	ts.Setenv("PIXFORM_PG_CONN", pgtest.Base(tb))
	ts.Setenv("PGSCHEMA", schema)
	for _, name := range args {
		path := ts.MkAbs(name)
		b, err := os.ReadFile(path)
		ts.Check(err)
		ts.Check(os.WriteFile(path, []byte(strings.ReplaceAll(string(b), "@schema@", schema)), 0o644))
	}
}

// cmdPGLock is "pglock WORKSPACE": it takes the lock of WORKSPACE in the
// pg backend (PIXFORM_PG_CONN, schema $PGSCHEMA) from the test process,
// as another pixform would, holds it until the script ends, and sets
// LOCKID to its ID.
func cmdPGLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pglock WORKSPACE")
	}
	ctx := context.Background()
	db, err := pg.Open(ctx, pg.Options{Conn: ts.Getenv("PIXFORM_PG_CONN"), Schema: ts.Getenv("PGSCHEMA")})
	ts.Check(err)
	s, err := db.Lock(ctx, args[0], pg.LockOptions{})
	ts.Check(err)
	ts.Defer(func() { s.Close(); db.Close() })
	ts.Setenv("LOCKID", s.Holder().ID)
	held, _ := ts.Value("pglocks").(map[string]*pg.Session)
	if held != nil {
		held[args[0]] = s
	}
}

// cmdPGUnlock is "pgunlock WORKSPACE": it releases the lock pglock took.
func cmdPGUnlock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pgunlock WORKSPACE")
	}
	held, _ := ts.Value("pglocks").(map[string]*pg.Session)
	s := held[args[0]]
	if s == nil {
		ts.Fatalf("pgunlock %s: pglock did not take it", args[0])
	}
	ts.Check(s.Close())
	delete(held, args[0])
}

// cmdPGReadOnly is "pgreadonly": it grants the role of
// PIXFORM_TEST_PG_RO what the README gives a read-only role (USAGE on the
// schema $PGSCHEMA, SELECT on its tables) and makes PIXFORM_PG_CONN its
// connection string.
func cmdPGReadOnly(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: pgreadonly")
	}
	ro := pgtest.ReadOnly(scriptTB{ts})
	cfg, err := pgx.ParseConfig(ro)
	ts.Check(err)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, pgtest.Base(scriptTB{ts}))
	ts.Check(err)
	defer c.Close(ctx)
	role, sch := pgx.Identifier{cfg.User}.Sanitize(), pgx.Identifier{ts.Getenv("PGSCHEMA")}.Sanitize()
	for _, q := range []string{`GRANT USAGE ON SCHEMA ` + sch + ` TO ` + role, `GRANT SELECT ON ALL TABLES IN SCHEMA ` + sch + ` TO ` + role} {
		_, err := c.Exec(ctx, q)
		ts.Check(err)
	}
	ts.Setenv("PIXFORM_PG_CONN", ro)
}

// cmdPGExec is "pgexec SQL": it runs SQL as the test server's role in the
// schema $PGSCHEMA, as a database administrator would.
func cmdPGExec(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pgexec SQL")
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, pgtest.WithSearchPath(pgtest.Base(scriptTB{ts}), ts.Getenv("PGSCHEMA")))
	ts.Check(err)
	defer c.Close(ctx)
	_, err = c.Exec(ctx, args[0])
	ts.Check(err)
}

// cmdPGAwaitWaiter is "pgawaitwaiter": it returns once another connection
// of the test server has tried an advisory lock that pglock holds, i.e. a
// pixform is waiting for the lock (it polls; the script's own timeout
// bounds it).
func cmdPGAwaitWaiter(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: pgawaitwaiter")
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, pgtest.Base(scriptTB{ts}))
	ts.Check(err)
	defer c.Close(ctx)
	for {
		var n int
		ts.Check(c.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()
			AND query LIKE 'SELECT pg_try_advisory_lock(%' AND datname = current_database()`).Scan(&n))
		if n > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}
