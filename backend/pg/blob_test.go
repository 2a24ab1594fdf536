package pg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

func blob(n int, seed uint64) ([]byte, string) {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	h := sha256.Sum256(b)
	return b, hex.EncodeToString(h[:])
}

func TestBlobRoundTripInChunks(t *testing.T) {
	db, _ := openTest(t)
	ctx := testCtx(t)
	data, sha := blob(2*ChunkSize+12345, 1)
	stored, err := db.PutBlob(ctx, sha, bytes.NewReader(data))
	if err != nil || !stored {
		t.Fatalf("PutBlob = %v, %v", stored, err)
	}
	var chunks, maxLen int
	if err := db.pool.QueryRow(ctx, `SELECT count(*), max(length(data)) FROM blob_chunks WHERE sha256 = $1`, sha).Scan(&chunks, &maxLen); err != nil {
		t.Fatal(err)
	}
	if chunks != 3 || maxLen != ChunkSize {
		t.Errorf("blob stored in %d chunks of at most %d bytes, want 3 of at most %d", chunks, maxLen, ChunkSize)
	}
	// Written once: a second put reads nothing and stores nothing.
	stored, err = db.PutBlob(ctx, sha, iotestErrReader{})
	if err != nil || stored {
		t.Errorf("second PutBlob = %v, %v; want false, nil", stored, err)
	}
	r, err := db.OpenBlob(ctx, sha)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("OpenBlob read %d bytes, %v; want the %d stored", len(got), err, len(data))
	}
	if ok, err := db.HasBlob(ctx, sha); !ok || err != nil {
		t.Errorf("HasBlob = %v, %v", ok, err)
	}
	if _, err := db.OpenBlob(ctx, strings.Repeat("0", 64)); !errors.Is(err, ErrNotFound) {
		t.Errorf("OpenBlob of a missing blob: %v, want ErrNotFound", err)
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("read when it should not") }

func TestBlobWithWrongHashIsNotStored(t *testing.T) {
	db, _ := openTest(t)
	ctx := testCtx(t)
	data, _ := blob(1000, 2)
	_, other := blob(10, 3)
	if _, err := db.PutBlob(ctx, other, bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), "nothing was stored") {
		t.Fatalf("PutBlob with a wrong sha256: %v", err)
	}
	if ok, _ := db.HasBlob(ctx, other); ok {
		t.Error("a blob with the wrong bytes was stored")
	}
}

// A blob whose bytes changed in the database is reported, at the end of
// the stream, instead of io.EOF.
func TestCorruptBlobIsReported(t *testing.T) {
	db, _ := openTest(t)
	ctx := testCtx(t)
	data, sha := blob(ChunkSize+10, 4)
	if _, err := db.PutBlob(ctx, sha, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `UPDATE blob_chunks SET data = set_byte(data, 5, get_byte(data, 5) # 1) WHERE sha256 = $1 AND n = 1`, sha); err != nil {
		t.Fatal(err)
	}
	r, err := db.OpenBlob(ctx, sha)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(io.Discard, r)
	var corrupt *CorruptBlobError
	if !errors.As(err, &corrupt) || corrupt.SHA256 != sha {
		t.Fatalf("reading a corrupt blob: %v, want a *CorruptBlobError", err)
	}
}

// Two writers of one blob at once: one stores it, the other writes nothing.
func TestBlobWrittenOnceByConcurrentWriters(t *testing.T) {
	db, _ := openTest(t)
	data, sha := blob(ChunkSize/2, 5)
	var wg sync.WaitGroup
	stored := make([]bool, 4)
	for i := range stored {
		wg.Go(func() {
			ok, err := db.PutBlob(testCtx(t), sha, bytes.NewReader(data))
			if err != nil {
				t.Error(err)
			}
			stored[i] = ok
		})
	}
	wg.Wait()
	n := 0
	for _, ok := range stored {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d writers stored the blob, want 1", n)
	}
}

func TestGenerationsNewestFirst(t *testing.T) {
	db, _ := openTest(t)
	ctx := testCtx(t)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	old := Generation{Fingerprint: "f", SHA256: "a", TaskID: "t1", Credits: 1, Model: "m", Created: at}
	recent := Generation{Fingerprint: "f", SHA256: "b", TaskID: "t2", Credits: 2, Model: "m", Created: at.Add(time.Hour)}
	for _, g := range []Generation{old, recent, old} {
		if err := db.AddGeneration(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	gs, err := db.Generations(ctx, "f")
	if err != nil || len(gs) != 2 || gs[0].SHA256 != "b" || gs[1].SHA256 != "a" || gs[1].TaskID != "t1" {
		t.Errorf("Generations = %+v, %v; want b then a", gs, err)
	}
}
