package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pixform/pixform/internal/cli"
	"github.com/pixform/pixform/internal/pgtest"
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
			usePG(t, dir)
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

// usePG gives an example whose spec uses the pg backend a fresh schema of
// the test server (PIXFORM_TEST_PG) and the connection string in
// PIXFORM_PG_CONN; it skips the example where PIXFORM_TEST_PG is unset,
// and fails it where CI is set.
func usePG(t *testing.T, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.pix.hcl"))
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(src, []byte(`backend "pg"`)) {
			continue
		}
		_, schema := pgtest.New(t)
		t.Setenv("PIXFORM_PG_CONN", pgtest.Base(t))
		src = regexp.MustCompile(`schema\s*=\s*"[^"]*"`).ReplaceAll(src, []byte(`schema = "`+schema+`"`))
		if err := os.WriteFile(f, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
