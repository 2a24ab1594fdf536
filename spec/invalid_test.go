package spec

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

// errorMark is the inline mark of an expected error in testdata/invalid:
// a trailing comment on the line where the diagnostic's range starts.
var errorMark = regexp.MustCompile(`#\s*ERROR:\s*(.+?)\s*$`)

type lineSummary struct {
	Line    int
	Summary string
}

// TestInvalidFiles loads each file of testdata/invalid alone and checks
// that its errors are exactly the ones marked in it.
func TestInvalidFiles(t *testing.T) {
	paths, err := filepath.Glob("testdata/invalid/*" + FileSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("got no files in testdata/invalid, want some")
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := map[lineSummary]bool{}
			sc := bufio.NewScanner(bytes.NewReader(src))
			for line := 1; sc.Scan(); line++ {
				if m := errorMark.FindStringSubmatch(sc.Text()); m != nil {
					want[lineSummary{line, m[1]}] = true
				}
			}
			if len(want) == 0 {
				t.Fatal("got no # ERROR: marks, want at least one")
			}
			s, diags := loadFiles(t, map[string]string{filepath.Base(path): string(src)}, LoadOptions{})
			got := map[lineSummary]bool{}
			for _, d := range diags {
				if d.Severity != hcl.DiagError {
					continue
				}
				line := 0
				if d.Subject != nil {
					line = d.Subject.Start.Line
				}
				got[lineSummary{line, d.Summary}] = true
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("got errors differing from the marks (-want +got):\n%s\nall diagnostics:\n%s", diff, diagText(s, diags))
			}
		})
	}
}
