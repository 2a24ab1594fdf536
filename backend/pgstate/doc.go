// Package pgstate is pixform's state on PostgreSQL: it converts between
// the state package's types (state.State, Asset, Pending) and backend/pg's
// rows, so that the CLI can read a workspace as a *state.State (Load, for
// plan, show, state list and verify, with a role that may only SELECT)
// and record an apply through it.
//
// It sits beside the executor in the import order: it imports state and
// backend/pg, both leaves, and nothing imports it but internal/cli.
//
// The file-hash cache (state.Files) is not kept here: it describes files
// of one machine and stays in that machine's .pixform/; Load returns it
// empty for the caller to fill from the local state.
package pgstate
