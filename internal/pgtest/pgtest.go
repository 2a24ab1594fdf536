package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env names the environment variable with the test server's connection
// string.
const Env = "PIXFORM_TEST_PG"

// TB is the part of testing.TB that pgtest uses.
type TB interface {
	Helper()
	Skip(args ...any)
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
	Name() string
}

var _ TB = (testing.TB)(nil)

// EnvReadOnly names the environment variable with the connection string
// of a second role of the test server, with no privilege of its own, for
// tests of what a read-only role can do (they grant it what they need).
const EnvReadOnly = "PIXFORM_TEST_PG_RO"

// ReadOnly returns the connection string of PIXFORM_TEST_PG_RO, skipping
// the test where it is unset (failing it where CI is set).
func ReadOnly(t TB) string {
	t.Helper()
	return need(t, EnvReadOnly, "a second role without privileges, as .ci/run sets up")
}

// Base returns the connection string of PIXFORM_TEST_PG, skipping the test
// where it is unset (failing it where CI is set).
func Base(t TB) string {
	t.Helper()
	return need(t, Env, "a libpq URL of a role that may create schemas, as .ci/run sets up")
}

func need(t TB, env, what string) string {
	t.Helper()
	conn := os.Getenv(env)
	if conn != "" {
		return conn
	}
	if os.Getenv("CI") != "" {
		t.Fatal(env + " is not set and CI is: this test needs PostgreSQL; .ci/run starts it and sets " + env)
		return ""
	}
	t.Skip(env + " is not set: this test needs PostgreSQL (" + what + ")")
	return ""
}

// New creates a fresh schema, dropped at the end of the test, and returns
// a connection string whose search_path is that schema, and its name.
func New(t TB) (conn, schema string) {
	t.Helper()
	base := Base(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema = "pixform_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", Env, scrub(err, base))
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create schema %s: %v", schema, err)
	}
	t.Cleanup(func() { Drop(t, base, schema) })
	return WithSearchPath(base, schema), schema
}

// Conn is New without the schema's name.
func Conn(t TB) string {
	t.Helper()
	conn, _ := New(t)
	return conn
}

// Drop drops schema with everything in it. New registers it as a cleanup.
func Drop(t TB, base, schema string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("pgtest: connect to drop schema %s: %v", schema, scrub(err, base))
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
		t.Fatalf("pgtest: drop schema %s: %v", schema, err)
	}
}

// WithSearchPath returns conn with its search_path set to schema, in the
// form of conn (URL or key=value).
func WithSearchPath(conn, schema string) string {
	if strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://") {
		u, err := url.Parse(conn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return fmt.Sprintf("%s search_path='%s'", conn, schema)
}

// scrub keeps the test server's connection string out of test logs.
func scrub(err error, conn string) string {
	msg := err.Error()
	if cfg, perr := pgx.ParseConfig(conn); perr == nil && cfg.Password != "" {
		msg = strings.ReplaceAll(msg, cfg.Password, "xxxxx")
	}
	return msg
}
