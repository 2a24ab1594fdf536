package state

import (
	"testing"

	"github.com/spf13/afero"
)

// allocState is a state.json of n assets as encodeState writes it.
func allocState(t *testing.T, n int) []byte {
	t.Helper()
	s := New()
	for i := range n {
		a := testAsset(i)
		s.Assets[a.Addr] = &a
		s.Files[a.Output] = FileHash{Size: 1000, ModTime: 1700000000123456789, Inode: uint64(i), SHA256: a.SHA256, Format: "png"}
	}
	data, err := encodeState(s)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDecodeFastAllocations: decoding an asset costs a bounded number of
// allocations (its strings, its maps), not one per field name or repeated
// value. encoding/json, or a fast path whose every string escapes, takes
// several times more: at 100,000 images that is the plan's peak memory.
func TestDecodeFastAllocations(t *testing.T) {
	const n = 200
	data := allocState(t, n)
	allocs := testing.AllocsPerRun(3, func() {
		if _, ok := decodeFast(data); !ok {
			t.Fatal("the fast path declines the state")
		}
	})
	if per := allocs / n; per > 20 {
		t.Fatalf("got %.1f allocations per asset, want at most 20", per)
	}
}

// TestLoadWithoutJournalDoesNotCopy: with no journal to replay, Load
// allocates what decoding state.json does, not a second copy of it.
func TestLoadWithoutJournalDoesNotCopy(t *testing.T) {
	const n = 200
	data := allocState(t, n)
	fs := afero.NewMemMapFs()
	if err := WriteFileAtomic(fs, filePath("/spec", StateFile), data); err != nil {
		t.Fatal(err)
	}
	decode := testing.AllocsPerRun(3, func() {
		if _, err := decodeState(data); err != nil {
			t.Fatal(err)
		}
	})
	load := testing.AllocsPerRun(3, func() {
		if _, err := Load(fs, "/spec"); err != nil {
			t.Fatal(err)
		}
	})
	if load > decode*1.2+50 {
		t.Fatalf("Load made %.0f allocations, decoding state.json %.0f: want Load within a fifth of it", load, decode)
	}
}
