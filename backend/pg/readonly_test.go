package pg

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pixform/pixform/internal/pgtest"
)

// A role with SELECT only opens the schema read-only and reads records,
// the store and the lock holder; taking the lock (and so writing) is
// refused with the missing privilege named, before anything is spent.
func TestReadOnlyRole(t *testing.T) {
	ro := pgtest.ReadOnly(t)
	db, schema := openTest(t)
	ctx := testCtx(t)
	s := lockTest(t, db, "default")
	if err := s.PutImage(ctx, Image{Addr: "image.a", Output: "a.png", SHA256: "s", Fingerprint: "f", GeneratedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	data, sha := blob(100, 9)
	if _, err := db.PutBlob(ctx, sha, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	cfg, err := pgx.ParseConfig(ro)
	if err != nil {
		t.Fatal(err)
	}
	role := pgx.Identifier{cfg.User}.Sanitize()
	sch := pgx.Identifier{schema}.Sanitize()
	for _, grant := range []string{
		`GRANT USAGE ON SCHEMA ` + sch + ` TO ` + role,
		`GRANT SELECT ON ALL TABLES IN SCHEMA ` + sch + ` TO ` + role,
	} {
		if _, err := db.pool.Exec(ctx, grant); err != nil {
			t.Fatalf("%s: %v", grant, err)
		}
	}

	rdb, err := Open(ctx, Options{Conn: ro, Schema: schema, ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open: %v", err)
	}
	defer rdb.Close()
	if imgs, err := rdb.Images(ctx, "default"); err != nil || len(imgs) != 1 {
		t.Errorf("Images as read-only = %+v, %v", imgs, err)
	}
	if h, err := rdb.Holder(ctx, "default"); err != nil || h == nil || h.ID != s.Holder().ID {
		t.Errorf("Holder as read-only = %+v, %v", h, err)
	}
	r, err := rdb.OpenBlob(ctx, sha)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, data) {
		t.Errorf("OpenBlob as read-only: %d bytes, %v", len(got), err)
	}
	_, err = rdb.Lock(ctx, "other", LockOptions{})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42501" || !strings.Contains(err.Error(), "GRANTs") {
		t.Errorf("Lock as read-only: got %v, want the missing privilege (42501) and where the GRANTs are", err)
	}
	// Opening an up-to-date schema needs no privilege to create; a schema
	// to create or migrate does.
	db2, err := Open(ctx, Options{Conn: ro, Schema: schema})
	if err != nil {
		t.Errorf("Open of an up-to-date schema by a role without CREATE: %v", err)
	} else {
		db2.Close()
	}
	_, fresh := pgtest.New(t)
	_, err = Open(ctx, Options{Conn: ro, Schema: fresh})
	if err == nil || !strings.Contains(err.Error(), "may not create tables in schema") {
		t.Errorf("Open to migrate as read-only: got %v, want the missing privilege named", err)
	}
}
