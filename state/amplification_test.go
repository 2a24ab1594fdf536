package state

import (
	"fmt"
	"testing"

	"github.com/spf13/afero"
)

// TestWriteAmplification records 10,000 finished assets, as a large apply
// does, and checks that the bytes written to state.json, the journal and
// the lockfile stay within a small multiple of the final state, instead of
// a rewrite of the whole state per asset.
func TestWriteAmplification(t *testing.T) {
	if testing.Short() {
		t.Skip("records 10,000 assets")
	}
	fs := afero.NewMemMapFs()
	st := openStore(t, fs, "/spec")
	const n = 10000
	for i := range n {
		must(t, st.RecordDone(testAsset(i)))
	}
	must(t, st.Close())
	final := int64(len(readFile(t, fs, "/spec/"+StateFile)))
	got := st.BytesWritten()
	t.Logf("%d assets: state.json %d bytes, written %d bytes (%.2fx)", n, final, got, float64(got)/float64(final))
	if got > 3*final {
		t.Errorf("got %d bytes written for a final state of %d bytes (%.2fx), want at most 3x", got, final, float64(got)/float64(final))
	}
	s, err := Load(fs, "/spec")
	must(t, err)
	if len(s.Assets) != n {
		t.Errorf("got %d assets after Load, want %d", len(s.Assets), n)
	}
}

// BenchmarkApply measures a whole apply's records per asset (intent,
// submitted, done) and reports the write amplification.
func BenchmarkApply(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var ratio float64
			for b.Loop() {
				fs := afero.NewMemMapFs()
				st := openStore(b, fs, "/spec")
				for i := range n {
					must(b, st.RecordIntent(testPending(i)))
					must(b, st.RecordSubmitted(testAsset(i).Addr, testAsset(i).TaskID, t0))
					must(b, st.RecordDone(testAsset(i)))
				}
				must(b, st.Close())
				ratio = float64(st.BytesWritten()) / float64(len(readFile(b, fs, "/spec/"+StateFile)))
			}
			b.ReportMetric(ratio, "written/state")
		})
	}
}
