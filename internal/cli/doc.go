// Package cli is pixform's command line: Run parses the global flags and
// dispatches to one command per file (validate, plan, apply, show, ...).
// The command tree is built on every call, so tests run the CLI many times
// in one process. cli wires spec, state, planner, executor and the
// providers together and renders plans, events and diagnostics for people
// and machines; the packages it calls know nothing of it.
package cli
