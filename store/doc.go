// Package store keeps every image pixform downloads, so that a deleted
// output, a reverted prompt or a re-added image comes back at no cost, and
// so that the candidates of an image can be listed and picked.
//
// The entry point is the Store interface; Local implements it on a
// directory (NewLocal, at Dir: .pixform/store under the spec directory, or
// PIXFORM_STORE, which several specs may share). A PostgreSQL
// implementation will follow behind the same interface, which is why it
// names no file of the store.
//
// # Blobs
//
// An image is a blob named by its sha256 ("sha256:<hex>", as in the state
// and the lockfile), stored once however many generations, addresses
// or specs have it. Put streams it (never whole in memory) into a
// temporary file, fsyncs it, renames it to blobs/ab/abcdef… and fsyncs
// that directory; content already stored is not written again. A failed
// Put, a full disk included (KindFull), keeps nothing. Blobs are read-only
// and reached only through Open, whose reader fails at the end with
// KindCorrupt when the bytes do not hash to their name (the blob is then
// moved aside to corrupt/ and counts as missing), and CopyTo, which copies
// a checked blob beside an output and renames it into place: an output is
// always a file of its own, never a hard link into the store, so editing
// it by hand cannot change the store. (A reflink, which would share the
// blocks copy-on-write, is not used yet.)
//
// # The index
//
// index.jsonl records generations: digest, fingerprint, the address it was
// made for (a hint), task id, provider, model, credits, time, size and
// the image's width and height. One line is appended and fsynced per Add;
// a line torn by a crash is ignored and cut off by the next Add, as the
// state journal does. A generation (fingerprint and digest) is recorded
// once. Generations answers by fingerprint (the candidates, restores), by
// address (history) or whole, oldest first.
//
// # Sharing and garbage
//
// Processes sharing a store take an flock(2) on its lock file: shared for
// the rename of a Put and for an Add, alone for GC and for cutting off a
// torn index line. GC removes the blobs its caller no longer references
// (optionally only those older than a duration) and the generations of
// them, rewriting the index atomically; it never removes a blob the caller
// names. Check tells an apply, before it spends anything, that the store
// cannot be written.
//
// # Neighbours
//
// This package is a leaf like state: it imports nothing else of pixform.
// The executor puts every image it downloads and records its generation;
// the planner reads the index to plan a restore instead of paying; the CLI
// lists, picks and collects through it. None of them knows where a blob
// lives.
package store
