// Package pgtest gives tests a PostgreSQL schema of their own on the real
// server named by PIXFORM_TEST_PG (a libpq URL or key=value string, with
// a role that may create schemas in its database; .ci/run starts the
// server and sets it).
//
// Conn(t) creates a uniquely named schema, drops it (with everything in it)
// when the test ends, and returns a connection string whose search_path is
// that schema; New(t) also returns the schema's name, for code that takes
// the schema separately (backend/pg's Options.Schema). Where
// PIXFORM_TEST_PG is unset the test is skipped with a message naming the
// variable, unless CI is set: then it fails, so that CI never passes by
// skipping. No mock of PostgreSQL stands in for the server.
//
// Neighbours: backend/pg's tests use it, and so will the tests of state's
// pg Backend and of the CLI's pg workflows.
package pgtest
