package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/afero"
)

// Store keeps every image pixform downloaded, content-addressed by sha256,
// and an index of the generations that produced them. Local is the
// implementation on a directory; a PostgreSQL one will follow, so the
// interface is what both can do, and nothing in it is a file path of the
// store's: a blob is only ever read through Open or copied out by CopyTo.
//
// A digest (sum) is written "sha256:" and 64 lower-case hex digits, as the
// state and the lockfile write them. Every method takes a context and is
// safe for concurrent use.
type Store interface {
	// Put streams r into the store and returns the blob it holds. Content
	// that is there already is not written again (Blob.New is false). On
	// any error nothing of r is kept: a full disk fails with KindFull.
	Put(ctx context.Context, r io.Reader) (Blob, error)
	// Has reports whether the store holds a blob of digest sum. It does not
	// read the blob: a corrupt one is found by Open and CopyTo.
	Has(ctx context.Context, sum string) (bool, error)
	// Open returns a reader of the blob sum that checks its sha256: the
	// Read that reaches the end fails with KindCorrupt when the bytes read
	// do not hash to sum (the blob then counts as missing). An absent blob
	// is KindMissing.
	Open(ctx context.Context, sum string) (io.ReadCloser, error)
	// CopyTo copies the blob sum to name on dst through a temporary file
	// beside name that is checked against sum, made durable and renamed
	// over name: name is a copy the user may edit, never a link to the
	// store, and a corrupt blob never reaches it. name's directory must
	// exist.
	CopyTo(ctx context.Context, sum string, dst afero.Fs, name string) error

	// Add records a generation of a blob the store holds, filling Size
	// (and Width and Height, when zero, from the image header). A
	// generation already recorded (same fingerprint and digest) is not
	// recorded again: added is false.
	Add(ctx context.Context, g Generation) (added bool, err error)
	// Generations returns the recorded generations that match q, oldest
	// first.
	Generations(ctx context.Context, q Query) ([]Generation, error)
	// Blobs lists the blobs the store holds, by digest.
	Blobs(ctx context.Context) ([]Blob, error)
	// GC removes the blobs whose digest is not in keep (with
	// GCOptions.OlderThan, only those unused for that long) and the
	// generations recorded for them. A digest in keep is never removed.
	GC(ctx context.Context, keep map[string]bool, opts GCOptions) (GCResult, error)
	// Check reports, as a KindUnwritable or KindFull error, a store that
	// cannot take a blob, or an index this pixform cannot read, so that
	// apply refuses before it spends anything.
	Check(ctx context.Context) error
}

// Blob is one stored image.
type Blob struct {
	SHA256  string    // "sha256:<hex>"
	Size    int64     // bytes
	ModTime time.Time // when it was last put (Put of content already there renews it)
	New     bool      // set by Put when it wrote the blob, false when it was there
}

// Generation is one image a provider made, as the index records it.
type Generation struct {
	SHA256      string // "sha256:<hex>" of the image, a blob of the store
	Fingerprint string // the asset fingerprint it was generated for
	// Addr is the address the image was generated for: a hint for
	// history, which a later move or rename does not update.
	Addr     string
	TaskID   string // the provider's task id; empty for an offline image
	Provider string
	Model    string
	Credits  float64 // what the task consumed
	Created  time.Time
	Width    int   // from the image header; 0 when it cannot be read
	Height   int   //
	Size     int64 // bytes
}

// Query selects generations: a field left empty matches every value.
type Query struct {
	Fingerprint string
	Addr        string
}

func (q Query) match(g *Generation) bool {
	return (q.Fingerprint == "" || q.Fingerprint == g.Fingerprint) && (q.Addr == "" || q.Addr == g.Addr)
}

// GCOptions tunes GC.
type GCOptions struct {
	// OlderThan, when positive, keeps every blob put more recently than
	// that, referenced or not (a generation whose image is not recorded in
	// any state yet, or one of another spec sharing the store).
	OlderThan time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// GCResult says what GC did.
type GCResult struct {
	Removed int   // blobs removed
	Litter  int   // corrupt blobs moved aside and temporary files removed
	Freed   int64 // the bytes of both
	Kept    int   // blobs left in the store
	Dropped int   // generations dropped from the index with their blobs
}

// Kind classifies a store failure for a caller that branches on it.
type Kind int

// The kinds of failure.
const (
	KindOther      Kind = iota // anything else (an unreadable index, an I/O error)
	KindMissing                // the store holds no blob of that digest
	KindCorrupt                // the blob's bytes do not hash to its digest
	KindUnwritable             // the store cannot be written: permissions, a read-only file system
	KindFull                   // no space left (or quota exceeded) on the store's device
)

func (k Kind) String() string {
	switch k {
	case KindMissing:
		return "missing"
	case KindCorrupt:
		return "corrupt"
	case KindUnwritable:
		return "unwritable"
	case KindFull:
		return "full"
	default:
		return "failed"
	}
}

// Error is a failure of the store, naming the blob it concerns if any.
type Error struct {
	Kind   Kind
	Op     string // "put", "open", "copy", "add", "gc", "check", ...
	SHA256 string // the blob concerned, if any
	Path   string // the file concerned, if any
	Err    error  // the cause, if any
}

func (e *Error) Error() string {
	msg := "store " + e.Op
	if e.SHA256 != "" {
		msg += " " + e.SHA256
	}
	switch e.Kind {
	case KindMissing:
		msg += ": no such blob in the store"
	case KindCorrupt:
		msg += ": the stored bytes do not match their sha256 (moved aside; the image counts as missing)"
	case KindUnwritable:
		msg += ": the store cannot be written"
	case KindFull:
		msg += ": no space left for the store (nothing half-written was kept)"
	}
	if e.Path != "" {
		msg += " (" + e.Path + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err when it is (or wraps) an *Error, and
// KindOther otherwise.
func KindOf(err error) Kind {
	var se *Error
	if errors.As(err, &se) {
		return se.Kind
	}
	return KindOther
}

// digestPrefix starts every digest.
const digestPrefix = "sha256:"

// hexOf returns the hex part of a digest, or an error when sum is not a
// sha256 digest (which also keeps it from naming any other file).
func hexOf(sum string) (string, error) {
	h, ok := strings.CutPrefix(sum, digestPrefix)
	if ok && len(h) == 64 && strings.ToLower(h) == h {
		if _, err := hex.DecodeString(h); err == nil {
			return h, nil
		}
	}
	return "", fmt.Errorf("%q is not a sha256 digest (sha256: and 64 lower-case hex digits)", sum)
}
