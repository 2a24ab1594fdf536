package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pixform/pixform/internal/cli"
)

// TestExamples applies every example on the offline provider in a copy of
// its directory, then checks that a second plan has nothing to do.
func TestExamples(t *testing.T) {
	dirs, err := filepath.Glob("examples/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	for _, src := range dirs {
		t.Run(filepath.Base(src), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			// An example's *.pixvars.hcl files are passed with -var-file, as
			// its comments tell a user to: pixform loads no variables file
			// unasked.
			varFiles, _ := filepath.Glob(filepath.Join(src, "*.pixvars.hcl"))
			run := func(args ...string) (int, string) {
				for _, f := range varFiles {
					args = append(args, "-var-file="+filepath.Base(f))
				}
				var out bytes.Buffer
				code := cli.Run(context.Background(), append([]string{"-chdir=" + dir, "-no-color"}, args...), strings.NewReader(""), &out, &out)
				return code, out.String()
			}
			if code, out := run("apply", "-auto-approve", "-provider=offline"); code != 0 {
				t.Fatalf("apply exited %d:\n%s", code, out)
			}
			if _, err := os.Stat(filepath.Join(dir, "pixform.lock.hcl")); err != nil {
				t.Errorf("no lockfile after apply: %v", err)
			}
			if code, out := run("plan", "-detailed-exitcode", "-provider=offline"); code != 0 || !strings.Contains(out, "No changes") {
				t.Errorf("second plan exited %d, want 0 and No changes:\n%s", code, out)
			}
		})
	}
}
