package pg

import (
	"crypto/sha256"
	"encoding/binary"
)

// Advisory lock keys. PostgreSQL has two key spaces for advisory locks in a
// database: one bigint, and a pair of integers; they never collide with
// each other. Workspace locks and the migration lock use the pair, claims
// use the bigint. Each key is a hash of a kind, the schema and a name, so
// two schemas (or two workspaces, or a workspace named like a fingerprint)
// share a key only by a hash collision: 1 in 2^62 for a pair.

func keyHash(kind, schema, name string) [32]byte {
	return sha256.Sum256([]byte("pixform\x00" + kind + "\x00" + schema + "\x00" + name))
}

// pairKey is the (int4, int4) key of kind/schema/name, both halves
// non-negative so that they read the same in pg_locks' oid columns.
func pairKey(kind, schema, name string) (int32, int32) {
	h := keyHash(kind, schema, name)
	return int32(binary.BigEndian.Uint32(h[0:4]) & 0x7fffffff), int32(binary.BigEndian.Uint32(h[4:8]) & 0x7fffffff)
}

// bigKey is the bigint key of kind/schema/name.
func bigKey(kind, schema, name string) int64 {
	h := keyHash(kind, schema, name)
	return int64(binary.BigEndian.Uint64(h[0:8]) & 0x7fffffffffffffff)
}
