package pg

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvConn names the environment variable that holds the connection string
// (a libpq URL or key=value string). It is read by the caller and handed to
// Open; this package never writes it anywhere.
const EnvConn = "PIXFORM_PG_CONN"

// DefaultSchema is the schema Open uses when Options.Schema is empty.
const DefaultSchema = "pixform"

// Options says how Open connects.
type Options struct {
	// Conn is the connection string, from PIXFORM_PG_CONN.
	Conn string
	// Schema holds every table of pixform; DefaultSchema when empty.
	Schema string
	// ReadOnly opens without creating or migrating the schema, for a role
	// with SELECT only: the schema must exist at this binary's version.
	ReadOnly bool
}

// DB is an open connection pool on one schema. Reads (plan, show, verify,
// restore) and the shared store go through it; writes to a workspace go
// through the Session that holds the workspace's lock.
type DB struct {
	pool   *pgxpool.Pool
	schema string
	where  target
	secret string // the password, scrubbed from every error
	dialer *pgx.ConnConfig
}

// target names a server without its secrets, for errors.
type target struct{ host, database, user string }

func (t target) String() string {
	return fmt.Sprintf("database %q on %s as user %q", t.database, t.host, t.user)
}

// ConnError is an error from PostgreSQL with the connection string left
// out: it names the host, database and user only, never the password or
// the string itself. Err is the cause with its text scrubbed, so that
// errors.As still finds a *pgconn.PgError when there is one.
type ConnError struct {
	Op     string // what was being done: "connect", "migrate", ...
	Host   string
	DB     string
	User   string
	Reason string // the cause, scrubbed of the password
	Err    error  // a *pgconn.PgError, or nil
}

func (e *ConnError) Error() string {
	return fmt.Sprintf("%s: postgres database %q on %s as user %q: %s", e.Op, e.DB, e.Host, e.User, e.Reason)
}

func (e *ConnError) Unwrap() error { return e.Err }

// parse reads a connection string into a pool config. A string that does
// not parse is reported without any of its text: pgx's own message quotes
// it (redacted on a best-effort basis) and its cause, a url.Error, quotes it
// whole, password included.
func parse(conn, schema string) (*pgxpool.Config, error) {
	if strings.TrimSpace(conn) == "" {
		return nil, fmt.Errorf("no PostgreSQL connection string: set %s to a libpq URL (postgres://user:password@host/db) or key=value string (host=... dbname=... user=...)", EnvConn)
	}
	cfg, err := pgxpool.ParseConfig(conn)
	if err != nil {
		return nil, fmt.Errorf("the connection string in %s cannot be parsed as a libpq URL (postgres://user:password@host:port/db) or key=value string; its text is not shown because it may hold a password", EnvConn)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "pixform"
	}
	return cfg, nil
}

func targetOf(c *pgconn.Config) target {
	host := c.Host
	if strings.HasPrefix(host, "/") {
		host = "socket " + host
	} else {
		host = net.JoinHostPort(host, fmt.Sprint(c.Port))
	}
	return target{host: host, database: c.Database, user: c.User}
}

// wrap turns an error from pgx into a *ConnError that names t and scrubs
// password from the cause. A context error passes through unchanged.
func wrap(op string, t target, password string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: postgres %s: %w", op, t, err)
	}
	e := &ConnError{Op: op, Host: t.host, DB: t.database, User: t.user}
	var pgErr *pgconn.PgError
	var connErr *pgconn.ConnectError
	switch {
	case errors.As(err, &pgErr):
		e.Err = pgErr
		e.Reason = fmt.Sprintf("%s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
		if hint := hintFor(pgErr.Code); hint != "" {
			e.Reason += ": " + hint
		}
	case errors.As(err, &connErr):
		e.Reason = "cannot connect: " + innermost(connErr) + ": check that the server runs and accepts connections at that address"
	default:
		e.Reason = err.Error()
	}
	if password != "" {
		e.Reason = strings.ReplaceAll(e.Reason, password, "xxxxx")
	}
	return e
}

// innermost is the text of the deepest cause of err (a dial or read error)
// without the wrapping pgx adds, which quotes the config.
// Where several addresses were tried, the first one's cause stands for all.
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			msg, _, _ := strings.Cut(err.Error(), "\n")
			return msg
		}
		err = next
	}
}

func hintFor(code string) string {
	switch code {
	case "28P01", "28000":
		return "check the user and password in " + EnvConn
	case "3D000":
		return "create the database, or name an existing one in " + EnvConn
	case "42501":
		return "the role lacks a privilege this needs: see the README for the GRANTs of an applier and a read-only role"
	}
	return ""
}

// Open connects to PostgreSQL, checks the server answers, and creates or
// migrates the schema (unless opts.ReadOnly, where the schema must already
// be at this binary's version). A schema newer than this binary is refused.
func Open(ctx context.Context, opts Options) (*DB, error) {
	schema := opts.Schema
	if schema == "" {
		schema = DefaultSchema
	}
	cfg, err := parse(opts.Conn, schema)
	if err != nil {
		return nil, err
	}
	db := &DB{schema: schema, where: targetOf(&cfg.ConnConfig.Config), secret: cfg.ConnConfig.Password, dialer: cfg.ConnConfig.Copy()}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, db.wrap("connect", err)
	}
	db.pool = pool
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, db.wrap("connect", err)
	}
	if opts.ReadOnly {
		err = db.checkVersion(ctx)
	} else {
		err = db.migrate(ctx)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool.
func (db *DB) Close() { db.pool.Close() }

// Schema is the schema the DB works in.
func (db *DB) Schema() string { return db.schema }

func (db *DB) wrap(op string, err error) error {
	return wrap(op, db.where, db.secret, err)
}

// dial opens a dedicated connection, outside the pool, for a Session.
func (db *DB) dial(ctx context.Context) (*pgx.Conn, error) {
	c, err := pgx.ConnectConfig(ctx, db.dialer.Copy())
	if err != nil {
		return nil, db.wrap("connect", err)
	}
	return c, nil
}
