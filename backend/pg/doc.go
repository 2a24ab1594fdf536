// Package pg keeps pixform's state, lock and store in PostgreSQL (issue
// 15), so that a team and its CI runners share one record of what was
// made, one lock per workspace, one content-addressed store, and pay for a
// fingerprint at most once between them.
//
// It is a leaf, like state and store: it imports nothing of pixform and
// has its own types (Image, Pending, Generation, ...), twins of state's
// and store's, which the adapters described below convert.
//
// # Entry points
//
// Open(ctx, Options{Conn, Schema}) connects with the string from
// PIXFORM_PG_CONN (libpq URL or key=value) and creates or migrates the
// schema from the embedded migrations/NNNN_*.sql, recorded in its
// schema_version table, in one transaction under an advisory lock (two
// processes migrating at once are safe). A schema newer than the binary is
// refused (*NewerSchemaError); Options.ReadOnly checks the version without
// changing anything, for a role with SELECT only. Every error from the
// server is a *ConnError naming host, database and user, never the
// connection string or its password.
//
// Reads go through the DB's pool: Images, PendingTasks, ModelStats,
// Workspace(s), Holder, Claims, Generations, OpenBlob, HasBlob. Writes to a
// workspace go through the *Session of its lock: PutImage (one row,
// upserted, which also clears the image's pending row), DeleteImage,
// MoveImage, PutIntent, SetPendingTask, DeletePending, AddCredits. Each is
// one short transaction, fenced: it checks that the lock's holder row
// still names this Session, so a pixform whose lock was taken over writes
// nothing. The store (PutBlob, AddGeneration) is shared by every workspace
// and needs no lock.
//
// Roles, as the tests exercise them (TestReadOnlyRole): the owner of the
// schema (or a role with CREATE on the database) migrates it; an applier
// needs USAGE on the schema, SELECT, INSERT, UPDATE, DELETE on its tables
// and USAGE on its sequences, and pg_signal_backend (or the holder's role)
// for force-unlock; a read-only role needs USAGE and SELECT, and opens with
// Options.ReadOnly (Open without it also works once the schema is at this
// binary's version: an up-to-date schema is read, never written, by Open).
//
// # The lock
//
// DB.Lock(ctx, workspace, LockOptions{Timeout}) takes
// pg_try_advisory_lock(k1, k2) on one dedicated pgx.Conn, never a pooled
// one, keyed by a hash of schema and workspace, polling with backoff until
// the timeout (-lock-timeout). It then writes the holder row (user, host,
// pid, backend pid, started) so that a refusal (*LockedError) names the
// holder. Session.Close releases it by closing the connection; a holder
// whose process or connection died has released it, since the server ends
// its session. ForceUnlock(ctx, ws, id) terminates the holder's backend
// (pg_terminate_backend) after checking the ID, and returns the holder to
// name. Session.Check reports a lost connection (server restart, kill) as
// an error wrapping ErrLockLost rather than hanging; the executor should
// call it before each submission. A context cancelled during a Session's
// call makes pgx close the connection, and so release the lock and the
// claims: give Session calls a context that ends only when the apply means
// to let go (not the first Ctrl-C's, which only stops submitting).
//
// # Claims: a fingerprint paid for once
//
// Session.Claim(ctx, fp, opts) takes a session advisory lock for fp on the
// same dedicated connection and writes a claims row (claimer, backend pid,
// task id). The lock is what tells a live claimer from a dead one: a dead
// claimer's connection is gone, so its lock is free, and the next Claim
// wins and returns the dead claimer's row, whose TaskID the caller resumes
// instead of submitting again. A loser gets the live claimer's row (wait
// and claim again, as Await does) or, when the store already holds a generation, its
// sha256 (restore at 0 credits). SetTask records the task id the moment it
// arrives; Complete (after AddGeneration) or Release ends the claim.
//
// # How the lead plugs it in
//
// state.Backend (state/backend.go) is the seam: the calls an apply records
// through (State, RecordIntent, RecordSubmitted, RecordDone,
// RecordAbandoned, RecordUnsent, RecordAmbiguous, RecordCounted, Forget,
// Move, SetFiles, Holder, TookOver, TakeoverReason, Close). An adapter over
// a Session implements it (RecordIntent: PutIntent, + Claim before
// submitting; RecordSubmitted: SetPendingTask, + SetTask; RecordDone:
// PutImage + AddCredits; RecordAbandoned: DeletePending, + Release;
// Forget: DeleteImage; Move: MoveImage; Close: Session.Close), answers each
// call as state.Memory does (state's TestMemoryIsTheStore lists them), and
// is wrapped by state.WithLockfile, which writes pixform.lock.hcl at Close.
// Pending carries the Unsent, Ambiguous and Counted flags (schema 2) that
// the Record* marks set (SetPendingFlag); SetFiles and State().Files, the
// file-hash cache, stay local (the CLI keeps them in .pixform/).
// The CLI chooses the counterparts of state.LoadWithLock (Images +
// PendingTasks + ModelStats + Workspace.Serial), state.Open (DB.Lock) and
// state.ForceUnlock.
//
// backend/pgstate is that adapter (Backend, Load): it converts
// state.Asset <-> Image and state.Pending <-> Pending. The store
// interface, for the store package's local directory and for this one:
//
//	type Store interface {
//		Put(ctx, sha string, r io.Reader) (stored bool, err error) // PutBlob
//		Open(ctx, sha string) (io.ReadCloser, error)              // OpenBlob: checks sha256 at EOF
//		Has(ctx, sha string) (bool, error)                        // HasBlob
//		Add(ctx, Generation) error                                // AddGeneration
//		Generations(ctx, fp string) ([]Generation, error)         // newest first
//	}
//
// The claims belong to neither seam: the executor asks the backend for an
// optional Claimer (Claim, SetTask, Complete, Release), which the local
// backend does not offer.
//
// # Neighbours
//
// internal/pgtest gives its tests a fresh schema on the server named by
// PIXFORM_TEST_PG; .ci/run starts PostgreSQL and sets it. backend/pgstate
// adapts a workspace to state.Backend; internal/cli opens it when the spec
// says backend "pg".
package pg
