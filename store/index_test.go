package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"
)

// addAll puts an image per generation (its SHA256 is filled in) and
// records it.
func addAll(t testing.TB, l *Local, gens []Generation) []Generation {
	t.Helper()
	out := make([]Generation, len(gens))
	for i, g := range gens {
		g.SHA256 = put(t, l, pngOf(t, 8+i, 4+i, seed(i, g.Fingerprint))).SHA256
		if _, err := l.Add(t.Context(), g); err != nil {
			t.Fatalf("Add %d: %v", i, err)
		}
		out[i] = g
	}
	return out
}

// seed makes the images of addAll differ across calls.
func seed(i int, fingerprint string) byte {
	s := byte(i)
	for _, c := range []byte(fingerprint) {
		s = s*31 + c
	}
	return s
}

func TestGenerations(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fsys, dir := fc.new(t)
			l := NewLocal(fsys, dir)
			gens := addAll(t, l, []Generation{
				{Fingerprint: "fpA", Addr: "image.logo", TaskID: "t1", Provider: "defapi", Model: "google/gempix2", Credits: 0.04, Created: t0.Add(2 * time.Hour)},
				{Fingerprint: "fpA", Addr: "image.logo", TaskID: "t2", Provider: "defapi", Model: "google/gempix2", Credits: 0.04, Created: t0},
				{Fingerprint: "fpB", Addr: "image.logo", TaskID: "t3", Provider: "defapi", Model: "google/gempix2", Created: t0.Add(time.Hour)},
				{Fingerprint: "fpA", Addr: `image.hero["knight"]`, Provider: "offline", Created: t0.Add(3 * time.Hour)},
			})
			tests := []struct {
				q    Query
				want []int // indexes into gens, in order
			}{
				{Query{Fingerprint: "fpA"}, []int{1, 0, 3}},
				{Query{Addr: "image.logo"}, []int{1, 2, 0}},
				{Query{Fingerprint: "fpA", Addr: "image.logo"}, []int{1, 0}},
				{Query{}, []int{1, 2, 0, 3}},
				{Query{Fingerprint: "none"}, nil},
			}
			// A fresh Local (another process) reads the same.
			for _, reader := range []*Local{l, NewLocal(fsys, dir)} {
				for _, tt := range tests {
					got, err := reader.Generations(t.Context(), tt.q)
					must(t, err)
					var want []Generation
					for _, i := range tt.want {
						g := gens[i]
						g.Width, g.Height = 8+i, 4+i
						g.Size = int64(len(pngOf(t, 8+i, 4+i, seed(i, g.Fingerprint))))
						want = append(want, g)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("Generations(%+v) (-want +got):\n%s", tt.q, diff)
					}
				}
			}
		})
	}
}

func TestAddRefuses(t *testing.T) {
	l := NewLocal(afero.NewMemMapFs(), "/s")
	sum := put(t, l, []byte("not an image")).SHA256
	tests := []struct {
		name string
		g    Generation
		kind Kind
		want string
	}{
		{"a blob the store lacks", Generation{SHA256: sumOf([]byte("absent")), Fingerprint: "fp"}, KindMissing, "no such blob"},
		{"no fingerprint", Generation{SHA256: sum}, KindOther, "needs a fingerprint"},
		{"a bad digest", Generation{SHA256: "sha256:zz", Fingerprint: "fp"}, KindOther, "not a sha256 digest"},
	}
	for _, tt := range tests {
		added, err := l.Add(t.Context(), tt.g)
		if added || KindOf(err) != tt.kind || err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Add of %s: got %v, %v, want kind %v saying %q", tt.name, added, err, tt.kind, tt.want)
		}
	}
	// Not an image: recorded without dimensions.
	if _, err := l.Add(t.Context(), Generation{SHA256: sum, Fingerprint: "fp"}); err != nil {
		t.Fatal(err)
	}
	got, err := l.Generations(t.Context(), Query{})
	must(t, err)
	if len(got) != 1 || got[0].Width != 0 || got[0].Height != 0 || got[0].Created.IsZero() {
		t.Errorf("Generations: got %+v, want one without dimensions, with a time", got)
	}
}

// indexLines returns the lines of the index file.
func indexLines(t testing.TB, fsys afero.Fs, dir string) []string {
	t.Helper()
	b, err := afero.ReadFile(fsys, filepath.Join(dir, indexFile))
	must(t, err)
	return strings.SplitAfter(string(b), "\n")
}

func TestTornIndexLine(t *testing.T) {
	tests := []struct {
		name string
		torn func(line string) string // the last line as a crash left it
	}{
		{"cut short", func(l string) string { return l[:len(l)/2] }},
		{"cut before its newline", func(l string) string { return strings.TrimSuffix(l, "\n") }},
		{"zeros", func(string) string { return "\x00\x00\x00\x00" }},
		{"garbage with a newline", func(string) string { return "{\"op\":\"ad\x00\n" }},
	}
	for _, fc := range fsCases {
		for _, tt := range tests {
			t.Run(fc.name+"/"+tt.name, func(t *testing.T) {
				fsys, dir := fc.new(t)
				gens := addAll(t, NewLocal(fsys, dir), []Generation{
					{Fingerprint: "fp1", Created: t0},
					{Fingerprint: "fp2", Created: t0.Add(time.Second)},
				})
				lines := indexLines(t, fsys, dir)
				lines = lines[:len(lines)-1] // SplitAfter's empty tail
				lines[len(lines)-1] = tt.torn(lines[len(lines)-1])
				must(t, afero.WriteFile(fsys, filepath.Join(dir, indexFile), []byte(strings.Join(lines, "")), 0o644))

				// The torn line is ignored: its Add never returned.
				l := NewLocal(fsys, dir)
				got, err := l.Generations(t.Context(), Query{})
				must(t, err)
				if len(got) != 1 || got[0].SHA256 != gens[0].SHA256 {
					t.Fatalf("Generations with a torn last line: got %d (%+v), want the first one", len(got), got)
				}
				// The next Add cuts it off and appends whole lines.
				more := addAll(t, l, []Generation{{Fingerprint: "fp3", Created: t0.Add(2 * time.Second)}})
				for i, line := range indexLines(t, fsys, dir) {
					if line == "" {
						continue
					}
					if !strings.HasSuffix(line, "\n") || !json.Valid([]byte(line)) {
						t.Errorf("index line %d after the next Add: %q", i+1, line)
					}
				}
				got, err = NewLocal(fsys, dir).Generations(t.Context(), Query{})
				must(t, err)
				if len(got) != 2 || got[0].SHA256 != gens[0].SHA256 || got[1].SHA256 != more[0].SHA256 {
					t.Errorf("Generations after the repair: got %+v", got)
				}
			})
		}
	}
}

func TestDamagedIndexLine(t *testing.T) {
	fsys := afero.NewMemMapFs()
	l := NewLocal(fsys, "/s")
	addAll(t, l, []Generation{{Fingerprint: "fp1"}, {Fingerprint: "fp2"}, {Fingerprint: "fp3"}})
	lines := indexLines(t, fsys, "/s")
	lines[2] = "{not json\n"
	must(t, afero.WriteFile(fsys, "/s/"+indexFile, []byte(strings.Join(lines, "")), 0o644))
	fresh := NewLocal(fsys, "/s")
	if _, err := fresh.Generations(t.Context(), Query{}); err == nil || !strings.Contains(err.Error(), "damaged at line 3") ||
		!strings.Contains(err.Error(), "move it aside") {
		t.Errorf("Generations: got %v, want the damaged line named with what to do", err)
	}
	if _, err := fresh.Add(t.Context(), Generation{SHA256: put(t, fresh, []byte("x")).SHA256, Fingerprint: "fp4"}); err == nil {
		t.Errorf("Add with a damaged index: got no error")
	}
	// GC reads the index whole, also where it read it before the damage.
	for name, l := range map[string]*Local{"the same Local": l, "a fresh Local": fresh} {
		res, err := l.GC(t.Context(), nil, GCOptions{})
		if err == nil || res.Removed != 0 {
			t.Errorf("GC on %s with a damaged index: got %+v, %v, want a refusal that removes nothing", name, res, err)
		}
	}
}

// Two Locals on one directory stand for two processes sharing a store:
// each sees what the other appended, and a rewrite by the other's GC.
func TestIndexSharedBetweenLocals(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fsys, dir := fc.new(t)
			a, b := NewLocal(fsys, dir), NewLocal(fsys, dir)
			ga := addAll(t, a, []Generation{{Fingerprint: "fp1", Created: t0}})
			gb := addAll(t, b, []Generation{{Fingerprint: "fp2", Created: t0.Add(time.Second)}})
			want := []string{ga[0].SHA256, gb[0].SHA256}
			for name, l := range map[string]*Local{"a": a, "b": b} {
				if got := sums(t, l, Query{}); !cmp.Equal(got, want) {
					t.Errorf("%s sees %v, want %v", name, got, want)
				}
			}
			// b's GC drops fp1's image; a reads the rewritten index.
			if _, err := b.GC(t.Context(), map[string]bool{gb[0].SHA256: true}, GCOptions{}); err != nil {
				t.Fatal(err)
			}
			if got := sums(t, a, Query{}); !cmp.Equal(got, want[1:]) {
				t.Errorf("a after b's GC sees %v, want %v", got, want[1:])
			}
			gc := addAll(t, a, []Generation{{Fingerprint: "fp3", Created: t0.Add(2 * time.Second)}})
			if got := sums(t, b, Query{}); !cmp.Equal(got, []string{gb[0].SHA256, gc[0].SHA256}) {
				t.Errorf("b sees %v after a's Add on the rewritten index", got)
			}
		})
	}
}

func sums(t testing.TB, l *Local, q Query) []string {
	t.Helper()
	gens, err := l.Generations(t.Context(), q)
	must(t, err)
	var out []string
	for _, g := range gens {
		out = append(out, g.SHA256)
	}
	return out
}

func TestConcurrentAdds(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fsys, dir := fc.new(t)
			l := NewLocal(fsys, dir)
			const n = 40
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() {
					// Half of them record a generation another one records too.
					sum := put(t, l, fmt.Appendf(nil, "image %d", i/2)).SHA256
					_, errs[i] = l.Add(t.Context(), Generation{SHA256: sum, Fingerprint: fmt.Sprint("fp", i/2)})
				})
			}
			wg.Wait()
			for i, err := range errs {
				must(t, err)
				_ = i
			}
			got, err := NewLocal(fsys, dir).Generations(t.Context(), Query{})
			must(t, err)
			if len(got) != n/2 {
				t.Errorf("got %d generations, want %d", len(got), n/2)
			}
			if lines := bytes.Count([]byte(strings.Join(indexLines(t, fsys, dir), "")), []byte("\n")); lines != n/2+1 {
				t.Errorf("index has %d lines, want a header and %d generations", lines, n/2)
			}
		})
	}
}
