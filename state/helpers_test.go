package state

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// t0 is the clock of the tests.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

func hash(parts ...any) string {
	h := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	return hex.EncodeToString(h[:])
}

// testAsset is a realistic generated asset.
func testAsset(i int) Asset {
	return Asset{
		Addr:        fmt.Sprintf("image.hero[\"hero-%05d\"]", i),
		Output:      fmt.Sprintf("sprites/hero-%05d.png", i),
		SHA256:      hash("out", i),
		Fingerprint: hash("fp", i),
		Provider:    "defapi",
		Model:       "google/gempix2",
		Prompt:      fmt.Sprintf("Full-body hero-%05d sprite, facing left, flat vector, pastel palette, transparent background", i),
		Inputs:      map[string]string{"prompt": hash("prompt", i), "aspect_ratio": "1:1", "images[0]": hash("palette")},
		Refs:        []string{"refs/palette.png"},
		TaskID:      fmt.Sprintf("task-%016x", i+1),
		Consumed:    0.04,
		GeneratedAt: t0.Add(time.Duration(i) * time.Second),
	}
}

func testPending(i int) Pending {
	a := testAsset(i)
	return Pending{Addr: a.Addr, Fingerprint: a.Fingerprint, Provider: a.Provider, Model: a.Model, IntentAt: t0}
}

// openStore opens a Store on fs or fails the test.
func openStore(t testing.TB, fs afero.Fs, dir string) *Store {
	t.Helper()
	st, err := Open(fs, dir, LockOptions{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return st
}

// crash forgets a Store without closing it, as a killed pixform would, and
// removes its directory lock (which a real crash leaves to a dead pid; this
// process is alive).
func crash(t testing.TB, fs afero.Fs, dir string, st *Store) {
	t.Helper()
	if st.j.file != nil {
		_ = st.j.file.Close()
	}
	if _, err := ForceUnlock(fs, dir, st.lock.holder.ID); err != nil {
		t.Fatalf("ForceUnlock: %v", err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, fs afero.Fs, name string) []byte {
	t.Helper()
	b, err := afero.ReadFile(fs, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func exists(t testing.TB, fs afero.Fs, name string) bool {
	t.Helper()
	ok, err := afero.Exists(fs, name)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}
