package state

import "time"

// Backend is the locked, writable state of one apply: what the executor
// and the CLI's apply, import, accept and state rm record through. The
// local directory (Store, made by Open) is one implementation; a second
// backend (PostgreSQL, backend/pg) is another, wrapped by WithLockfile so
// that the committed lockfile is written as the local one writes it.
//
// What every implementation guarantees:
//   - It holds the backend's lock from its making until Close, and tells
//     who holds it (Holder) and whose lock it took over (TookOver).
//   - Every Record*, Forget, Move and SetFiles call is durable before it
//     returns: an apply killed at any instant and run again sees what the
//     calls that returned recorded. The executor relies on this for
//     exactly-once spending (RecordIntent before a submission,
//     RecordSubmitted the moment its task id arrives).
//   - The calls have the meaning of Store's methods of the same name
//     (their doc is the contract); a call that changes nothing (forgetting
//     an unknown address, abandoning what has no pending entry) succeeds.
//   - It is safe for concurrent use.
//
// State returns a deep copy that the caller owns. Close releases the lock;
// calls after it fail.
type Backend interface {
	State() *State

	RecordIntent(p Pending) error
	RecordSubmitted(addr, taskID string, at time.Time) error
	RecordDone(a Asset) error
	RecordAbandoned(addr string) error
	RecordUnsent(addr string) error
	RecordAmbiguous(addr string) error
	RecordCounted(addr string) error

	Forget(addr string) error
	Move(from, to, output string) error
	SetFiles(files map[string]FileHash) error

	Holder() Holder
	TookOver() *Holder
	TakeoverReason() string

	Close() error
}

// The local directory is a Backend.
var _ Backend = (*Store)(nil)
