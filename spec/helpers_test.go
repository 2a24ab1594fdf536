package spec

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/afero"
)

const testDir = "/spec"

// memFS returns a memory filesystem holding files under testDir.
func memFS(t testing.TB, files map[string]string) afero.Fs {
	t.Helper()
	fs := afero.NewMemMapFs()
	for name, src := range files {
		if err := afero.WriteFile(fs, filepath.Join(testDir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := fs.MkdirAll(testDir, 0o755); err != nil {
		t.Fatal(err)
	}
	return fs
}

// loadFiles loads files as a spec and returns it with its diagnostics.
func loadFiles(t testing.TB, files map[string]string, opts LoadOptions) (*Spec, hcl.Diagnostics) {
	t.Helper()
	return Load(memFS(t, files), testDir, opts)
}

// mustLoad loads files and fails the test on any error.
func mustLoad(t testing.TB, files map[string]string, opts LoadOptions) *Spec {
	t.Helper()
	s, diags := loadFiles(t, files, opts)
	if diags.HasErrors() {
		t.Fatalf("got errors, want none:\n%s", diagText(s, diags))
	}
	if s == nil {
		t.Fatal("got nil spec")
	}
	return s
}

// diagText renders diagnostics with their source, as the CLI does.
func diagText(s *Spec, diags hcl.Diagnostics) string {
	var buf bytes.Buffer
	files := map[string]*hcl.File{}
	if s != nil {
		files = s.Files
	}
	w := hcl.NewDiagnosticTextWriter(&buf, files, 100, false)
	_ = w.WriteDiagnostics(diags)
	return buf.String()
}

// env returns an environment lookup over a map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}
