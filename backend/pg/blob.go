package pg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
)

// ChunkSize is the most bytes of a blob in one row of blob_chunks: what
// either side holds of a blob in memory at once.
const ChunkSize = 1 << 20

// ErrNotFound is returned for a blob the store does not hold.
var ErrNotFound = errors.New("not in the store")

// CorruptBlobError reports a blob whose bytes do not match its sha256 (or
// its recorded size): it must be treated as missing, never copied.
type CorruptBlobError struct {
	SHA256 string
	Got    string // the sha256 of what was read
	Size   int64  // bytes read
	Want   int64  // the recorded size
}

func (e *CorruptBlobError) Error() string {
	return fmt.Sprintf("store blob %s is corrupt: read %d bytes (recorded %d) with sha256 %s: it is treated as missing",
		e.SHA256, e.Size, e.Want, e.Got)
}

// Generation is one entry of the store's index: an image generated for a
// fingerprint.
type Generation struct {
	Fingerprint string
	SHA256      string
	TaskID      string
	Credits     float64
	Model       string
	Created     time.Time
}

// PutBlob stores the bytes of r as the blob sha (hex sha256), streaming them
// in chunks of ChunkSize in one transaction, and checks them against sha
// before committing. It returns false, reading nothing, when the store
// already holds the blob: a blob is written once. Two writers of one blob
// at once: the second waits for the first and then writes nothing.
func (db *DB) PutBlob(ctx context.Context, sha string, r io.Reader) (stored bool, err error) {
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO blobs (sha256, size, chunks) VALUES ($1, -1, 0) ON CONFLICT (sha256) DO NOTHING`, sha)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		h := sha256.New()
		buf := make([]byte, ChunkSize)
		var size int64
		n := 0
		for {
			k, rerr := io.ReadFull(r, buf)
			if k > 0 {
				h.Write(buf[:k])
				size += int64(k)
				if _, err := tx.Exec(ctx, `INSERT INTO blob_chunks (sha256, n, data) VALUES ($1, $2, $3)`, sha, n, buf[:k]); err != nil {
					return err
				}
				n++
			}
			if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
				break
			}
			if rerr != nil {
				return fmt.Errorf("read the image: %w", rerr)
			}
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != sha {
			return fmt.Errorf("the bytes given have sha256 %s, not %s: nothing was stored", got, sha)
		}
		if _, err := tx.Exec(ctx, `UPDATE blobs SET size = $2, chunks = $3 WHERE sha256 = $1`, sha, size, n); err != nil {
			return err
		}
		stored = true
		return nil
	})
	if err != nil {
		return false, db.wrap("store blob "+sha, err)
	}
	return stored, nil
}

// HasBlob tells whether the store holds the blob sha.
func (db *DB) HasBlob(ctx context.Context, sha string) (bool, error) {
	var ok bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = $1)`, sha).Scan(&ok)
	return ok, db.wrap("look up blob "+sha, err)
}

// OpenBlob streams the blob sha, one chunk in memory at a time. The reader
// checks size and sha256 as it reaches the end: its last Read returns a
// *CorruptBlobError instead of io.EOF when they do not match, so a caller
// that copies to a temp file and renames only after io.EOF never puts a
// corrupt image in place.
func (db *DB) OpenBlob(ctx context.Context, sha string) (io.ReadCloser, error) {
	br := &blobReader{ctx: ctx, db: db, sha: sha, h: sha256.New()}
	err := db.pool.QueryRow(ctx, `SELECT size, chunks FROM blobs WHERE sha256 = $1`, sha).Scan(&br.size, &br.chunks)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("blob %s: %w", sha, ErrNotFound)
	}
	if err != nil {
		return nil, db.wrap("open blob "+sha, err)
	}
	return br, nil
}

type blobReader struct {
	ctx    context.Context
	db     *DB
	sha    string
	size   int64
	chunks int
	next   int
	buf    []byte
	read   int64
	h      hash.Hash
	err    error
}

func (br *blobReader) Read(p []byte) (int, error) {
	for len(br.buf) == 0 {
		if br.err != nil {
			return 0, br.err
		}
		if br.next == br.chunks {
			br.err = io.EOF
			if got := hex.EncodeToString(br.h.Sum(nil)); got != br.sha || br.read != br.size {
				br.err = &CorruptBlobError{SHA256: br.sha, Got: got, Size: br.read, Want: br.size}
			}
			continue
		}
		var data []byte
		err := br.db.pool.QueryRow(br.ctx, `SELECT data FROM blob_chunks WHERE sha256 = $1 AND n = $2`, br.sha, br.next).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			br.err = &CorruptBlobError{SHA256: br.sha, Got: "(chunk " + fmt.Sprint(br.next) + " missing)", Size: br.read, Want: br.size}
			continue
		}
		if err != nil {
			br.err = br.db.wrap("read blob "+br.sha, err)
			continue
		}
		br.next++
		br.read += int64(len(data))
		br.h.Write(data)
		br.buf = data
	}
	n := copy(p, br.buf)
	br.buf = br.buf[n:]
	return n, nil
}

func (br *blobReader) Close() error {
	br.buf, br.err = nil, errors.New("blob reader closed")
	return nil
}

// AddGeneration adds g to the store's index; adding it again changes
// nothing. Its blob should be stored first.
func (db *DB) AddGeneration(ctx context.Context, g Generation) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO generations (fingerprint, sha256, task_id, credits, model, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (fingerprint, sha256) DO NOTHING`,
		g.Fingerprint, g.SHA256, g.TaskID, g.Credits, g.Model, g.Created)
	return db.wrap("index generation "+g.SHA256, err)
}

// Generations lists the generations of fingerprint fp, newest first.
func (db *DB) Generations(ctx context.Context, fp string) ([]Generation, error) {
	rows, _ := db.pool.Query(ctx, `SELECT fingerprint, sha256, task_id, credits, model, created_at
		FROM generations WHERE fingerprint = $1 ORDER BY created_at DESC, sha256`, fp)
	gs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Generation, error) {
		var g Generation
		err := r.Scan(&g.Fingerprint, &g.SHA256, &g.TaskID, &g.Credits, &g.Model, &g.Created)
		return g, err
	})
	return gs, db.wrap("read the generations of "+fp, err)
}
