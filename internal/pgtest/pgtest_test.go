package pgtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// recorder is a TB that records what a test would have done.
type recorder struct {
	skipped, failed string
	cleanups        []func()
}

func (r *recorder) Helper()                      {}
func (r *recorder) Skip(args ...any)             { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatal(args ...any)            { r.failed = fmt.Sprint(args...) }
func (r *recorder) Fatalf(f string, args ...any) { r.failed = fmt.Sprintf(f, args...) }
func (r *recorder) Cleanup(f func())             { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Name() string                 { return "recorder" }

func TestUnsetSkipsOutsideCIAndFailsInCI(t *testing.T) {
	t.Setenv(Env, "")
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		var r recorder
		Base(&r)
		got, other := r.skipped, r.failed
		if ci != "" {
			got, other = r.failed, r.skipped
		}
		if !strings.Contains(got, Env) || other != "" {
			t.Errorf("CI=%q: skipped %q, failed %q; want the %s naming %s", ci, r.skipped, r.failed,
				map[bool]string{true: "failure", false: "skip"}[ci != ""], Env)
		}
	}
}

func TestWithSearchPath(t *testing.T) {
	for _, conn := range []string{
		"postgres://u:p@127.0.0.1:5432/db?sslmode=disable",
		"host=127.0.0.1 user=u password=p dbname=db",
	} {
		cfg, err := pgx.ParseConfig(WithSearchPath(conn, "pixform_test_x"))
		if err != nil || cfg.RuntimeParams["search_path"] != "pixform_test_x" || cfg.Password != "p" {
			t.Errorf("%s: search_path %q, %v", conn, cfg.RuntimeParams["search_path"], err)
		}
	}
}

// New makes a schema that the connection string lands in, and its cleanup
// drops it.
func TestNewSchemaIsDroppedAtCleanup(t *testing.T) {
	base := Base(t)
	var r recorder
	conn, schema := New(&r)
	if r.failed != "" {
		t.Fatal(r.failed)
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var current string
	if err := c.QueryRow(ctx, `SELECT current_schema()`).Scan(&current); err != nil || current != schema {
		t.Fatalf("current_schema() = %q, %v; want %q", current, err, schema)
	}
	for _, f := range r.cleanups {
		f()
	}
	if r.failed != "" {
		t.Fatal(r.failed)
	}
	c2, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close(ctx)
	var n int
	if err := c2.QueryRow(ctx, `SELECT count(*) FROM pg_namespace WHERE nspname = $1`, schema).Scan(&n); err != nil || n != 0 {
		t.Errorf("schema %s still there after cleanup (%d, %v)", schema, n, err)
	}
}
