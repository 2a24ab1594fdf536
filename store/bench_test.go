package store

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

// The figures of the README's Store section: go test -run '^$' -bench . -benchtime 1000x ./store
// (1,000 blobs of 1 MB each, on the OS file system, fsyncs included).

const benchBlobSize = 1 << 20

// benchBlob returns the i-th distinct 1 MB blob.
func benchBlob(buf []byte, i int) []byte {
	for off := 0; off < len(buf); off += 4096 {
		binary.LittleEndian.PutUint64(buf[off:], uint64(i))
	}
	return buf
}

func BenchmarkPut(b *testing.B) {
	l := NewLocal(afero.NewOsFs(), filepath.Join(b.TempDir(), "store"))
	buf := make([]byte, benchBlobSize)
	b.SetBytes(benchBlobSize)
	b.ResetTimer()
	for i := range b.N {
		if _, err := l.Put(b.Context(), bytes.NewReader(benchBlob(buf, i))); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCopyTo(b *testing.B) {
	fsys := afero.NewOsFs()
	root := b.TempDir()
	l := NewLocal(fsys, filepath.Join(root, "store"))
	out := filepath.Join(root, "out")
	if err := fsys.MkdirAll(out, 0o755); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, benchBlobSize)
	var sums []string
	for i := range b.N {
		blob, err := l.Put(b.Context(), bytes.NewReader(benchBlob(buf, i)))
		if err != nil {
			b.Fatal(err)
		}
		sums = append(sums, blob.SHA256)
	}
	b.SetBytes(benchBlobSize)
	b.ResetTimer()
	for i := range b.N {
		if err := l.CopyTo(b.Context(), sums[i], fsys, filepath.Join(out, sums[i][7:19]+".png")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAdd records generations of small blobs: one index line appended
// and fsynced each, what an apply adds per image.
func BenchmarkAdd(b *testing.B) {
	l := NewLocal(afero.NewOsFs(), filepath.Join(b.TempDir(), "store"))
	sums := make([]string, b.N)
	for i := range b.N {
		blob, err := l.Put(b.Context(), bytes.NewReader(binary.LittleEndian.AppendUint64(nil, uint64(i))))
		if err != nil {
			b.Fatal(err)
		}
		sums[i] = blob.SHA256
	}
	b.ResetTimer()
	for i := range b.N {
		g := Generation{SHA256: sums[i], Fingerprint: sums[i], Addr: `image.hero["knight"]`, TaskID: "task-0123456789abcdef", Model: "google/gempix2"}
		if _, err := l.Add(b.Context(), g); err != nil {
			b.Fatal(err)
		}
	}
}
