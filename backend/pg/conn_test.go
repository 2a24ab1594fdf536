package pg

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pixform/pixform/internal/pgtest"
)

const secret = "s3cret-Pa55word"

// The connection string, and in particular its password, never appears in
// an error, whatever form the string has and whatever fails.
func TestErrorsNeverShowTheConnectionString(t *testing.T) {
	base := pgtest.Base(t)
	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("PIXFORM_TEST_PG must be a URL for this test: %v", err)
	}
	wrongURL := *u
	wrongURL.User = url.UserPassword(cfg.User, secret)
	kv := "host=" + cfg.Host + " port=" + u.Port() + " dbname=" + cfg.Database + " user=" + cfg.User + " password='" + secret + "' sslmode=disable"
	tests := []struct {
		name, conn string
		want       []string // in the message
		code       string   // SQLSTATE, when the server answered
	}{
		{"wrong password, URL", wrongURL.String(), []string{cfg.Host, cfg.Database, cfg.User, "check the user and password in PIXFORM_PG_CONN"}, "28P01"},
		{"wrong password, key=value", kv, []string{cfg.Host, cfg.Database, cfg.User, "check the user and password"}, "28P01"},
		{"unreachable host", "postgres://" + cfg.User + ":" + secret + "@127.0.0.1:1/" + cfg.Database + "?connect_timeout=5", []string{"127.0.0.1:1", cfg.Database, "cannot connect", "check that the server runs"}, ""},
		{"unparsable URL", "postgres://" + cfg.User + ":" + secret + "@127.0.0.1:notaport/x", []string{"cannot be parsed", "PIXFORM_PG_CONN"}, ""},
		{"unparsable key=value", "host=127.0.0.1 password='" + secret, []string{"cannot be parsed"}, ""},
		{"missing database", "postgres://" + cfg.User + ":" + url.QueryEscape(cfg.Password) + "@" + u.Host + "/no_such_db", []string{"no_such_db", "create the database"}, "3D000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(testCtx(t), Options{Conn: tt.conn, Schema: "pixform_never_created"})
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded, want an error")
			}
			msg := err.Error()
			if strings.Contains(msg, secret) || strings.Contains(msg, tt.conn) {
				t.Fatalf("error shows the password: %s", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			var pgErr *pgconn.PgError
			if got := errors.As(err, &pgErr); got != (tt.code != "") || (got && pgErr.Code != tt.code) {
				t.Errorf("errors.As *PgError = %v (%v), want code %q", got, pgErr, tt.code)
			}
		})
	}
}

func TestOpenWithoutConnectionString(t *testing.T) {
	_, err := Open(testCtx(t), Options{})
	if err == nil || !strings.Contains(err.Error(), EnvConn) {
		t.Fatalf("got %v, want an error naming %s", err, EnvConn)
	}
}
