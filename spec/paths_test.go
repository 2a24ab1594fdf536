package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

func TestCleanRel(t *testing.T) {
	tests := []struct {
		in, want string
		problem  pathProblem
	}{
		{"a.png", "a.png", pathOK},
		{"./a//b/../c.png", "a/c.png", pathOK},
		{"", "", pathEmpty},
		{".", "", pathEmpty},
		{"a/..", "", pathEmpty},
		{"..", "", pathOutside},
		{"a/../../b.png", "", pathOutside},
		{"/a.png", "", pathAbsolute},
		{"C:/a.png", "", pathAbsolute},
		{`a\b.png`, "", pathBackslash},
	}
	for _, tt := range tests {
		got, problem := cleanRel(tt.in)
		if got != tt.want || problem != tt.problem {
			t.Errorf("cleanRel(%q): got %q, %d, want %q, %d", tt.in, got, problem, tt.want, tt.problem)
		}
	}
}

// TestOutputSymlinks uses the real filesystem, where symbolic links exist.
func TestOutputSymlinks(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "spec")
	outside := filepath.Join(root, "outside")
	for _, d := range []string{dir, outside, filepath.Join(dir, "real")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"escape":   outside,      // absolute, outside
		"relesc":   "../outside", // relative, outside
		"inside":   "real",       // relative, inside
		"absin":    filepath.Join(dir, "real"),
		"chain":    "relesc", // a link to a link that escapes
		"file.png": "../outside/x.png",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skipf("cannot make symbolic links here: %v", err)
		}
	}
	tests := []struct {
		output  string
		wantErr bool
	}{
		{"real/a.png", false},
		{"inside/a.png", false},
		{"absin/a.png", false},
		{"new/dir/a.png", false},
		{"escape/a.png", true},
		{"relesc/a.png", true},
		{"chain/a.png", true},
		{"file.png", true},
	}
	for _, tt := range tests {
		t.Run(tt.output, func(t *testing.T) {
			src := "image \"p\" {\n  prompt = \"p\"\n  output = \"" + tt.output + "\"\n}\n"
			if err := os.WriteFile(filepath.Join(dir, "main.pix.hcl"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, d := range []string{dir, filepath.Join(root, ".", "spec")} {
				s, diags := Load(afero.NewOsFs(), d, LoadOptions{})
				gotErr := diags.HasErrors()
				if gotErr != tt.wantErr {
					t.Fatalf("dir %s: got errors %v, want %v:\n%s", d, gotErr, tt.wantErr, diagText(s, diags))
				}
				if gotErr && diags[0].Summary != "Output outside the spec directory" {
					t.Errorf("got %q, want Output outside the spec directory", diags[0].Summary)
				}
			}
		})
	}
}

// TestOutputSymlinkNamed checks that the error names the link to replace,
// not the file beyond it that exists outside.
func TestOutputSymlinkNamed(t *testing.T) {
	root := t.TempDir()
	dir, outside := filepath.Join(root, "spec"), filepath.Join(root, "outside")
	for _, d := range []string{dir, filepath.Join(outside, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "sub", "a.png"), []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "public")); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
	l := &loader{fs: afero.NewOsFs(), dir: dir}
	for _, rel := range []string{"public/sub/a.png", "public/sub/new.png", "public/new/b.png"} {
		if link, escapes := l.symlinkEscape(rel); !escapes || link != "public" {
			t.Errorf("symlinkEscape(%q) = %q, %v; want \"public\", true", rel, link, escapes)
		}
	}
}

// TestOutputSymlinksBasePath checks the resolver for filesystems other than
// the operating system's, which have links but no EvalSymlinks.
func TestOutputSymlinksBasePath(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "spec", "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"relesc": "../..", "inside": "real", "up": "real/.."} {
		if err := os.Symlink(target, filepath.Join(root, "spec", name)); err != nil {
			t.Skipf("cannot make symbolic links here: %v", err)
		}
	}
	fs := afero.NewBasePathFs(afero.NewOsFs(), root)
	l := &loader{fs: fs, dir: "/spec"}
	tests := map[string]bool{
		"real/a.png":      false,
		"inside/a.png":    false,
		"up/a.png":        false,
		"up/real/a.png":   false,
		"relesc/a.png":    true,
		"missing/x/a.png": false,
	}
	for rel, want := range tests {
		if _, got := l.symlinkEscape(rel); got != want {
			t.Errorf("symlinkEscape(%q): got %v, want %v", rel, got, want)
		}
	}
}

// TestLoadRelativeDir loads from the real filesystem with a relative
// directory, as the CLI does.
func TestLoadRelativeDir(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"spec/main.pix.hcl":    "image \"p\" {\n  prompt = file(\"p.txt\")\n  images = [\"refs/a.png\"]\n  output = \"out/p.png\"\n}\n",
		"spec/p.txt":           "prompt from a file",
		"spec/refs/a.png":      "png",
		"spec/vars.pixvars":    "",
		"spec/sub/x.pix.hcl":   "not loaded: subdirectories are not part of the spec",
		"outside/evil.pix.hcl": "",
	}
	for name, src := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(root)
	s, diags := Load(afero.NewOsFs(), "spec", LoadOptions{VarFiles: []string{"vars.pixvars"}})
	if diags.HasErrors() {
		t.Fatalf("got errors, want none:\n%s", diagText(s, diags))
	}
	a := s.Asset("image.p")
	if a == nil || a.Prompt != "prompt from a file" || a.Output != "out/p.png" || len(a.Refs) != 1 || a.Refs[0].Kind != RefFile {
		t.Errorf("got %+v, want image.p with its prompt from p.txt and a file reference", a)
	}
	if s.Files[filepath.Join("spec", "main.pix.hcl")] == nil || len(s.Files) != 2 {
		t.Errorf("got files %v, want spec/main.pix.hcl and spec/vars.pixvars", s.Files)
	}
}

// TestOutputSymlinksCached checks the per-Load cache of resolved
// directories and listings: many outputs share a directory, so the later
// ones are answered from the cache, and must be refused all the same when
// they go through a link that leaves the spec directory.
func TestOutputSymlinksCached(t *testing.T) {
	root := t.TempDir()
	dir, outside := filepath.Join(root, "spec"), filepath.Join(root, "outside")
	for _, d := range []string{filepath.Join(dir, "out"), filepath.Join(dir, "real"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// More outputs per directory than listAfter, so that out is listed.
	n := 2*listAfter + 3
	for i := range n - 1 { // the last is a link
		if err := os.WriteFile(filepath.Join(dir, "out", fmt.Sprintf("%02d.png", i)), []byte("png"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"escape":                              outside,
		"inside":                              "real",
		"out/" + fmt.Sprintf("%02d.png", n-1): "../../outside/x.png", // a link among the listed files
		"out/sub":                             "../../outside",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Skipf("cannot make symbolic links here: %v", err)
		}
	}
	l := &loader{fs: afero.NewOsFs(), dir: dir}
	check := func(rel string, want bool) {
		t.Helper()
		if _, got := l.symlinkEscape(rel); got != want {
			t.Errorf("symlinkEscape(%q): got %v, want %v", rel, got, want)
		}
	}
	for range 2 { // the second round is answered from the cache
		for i := range n - 1 {
			check(fmt.Sprintf("out/%02d.png", i), false)
			check(fmt.Sprintf("out/new-%02d.png", i), false)
			check(fmt.Sprintf("escape/%02d.png", i), true)
			check(fmt.Sprintf("inside/%02d.png", i), false)
			check(fmt.Sprintf("out/sub/%02d.png", i), true)
			check(fmt.Sprintf("new/dir/%02d.png", i), false)
		}
		check(fmt.Sprintf("out/%02d.png", n-1), true)
	}
	if l.links.lists["out"] == nil {
		t.Errorf("out was not listed after %d outputs, want it listed after %d", n, listAfter)
	}

	// The cache lasts one Load: a directory replaced by a link that leaves
	// the spec directory is refused by the next Load.
	src := fmt.Sprintf("image \"p\" {\n  count  = %d\n  prompt = \"p\"\n  output = \"real/${count.index}.png\"\n}\n", n)
	if err := os.WriteFile(filepath.Join(dir, "main.pix.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, diags := Load(afero.NewOsFs(), dir, LoadOptions{}); diags.HasErrors() {
		t.Fatalf("got errors, want none:\n%s", diagText(s, diags))
	}
	if err := os.Rename(filepath.Join(dir, "real"), filepath.Join(root, "moved")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "real")); err != nil {
		t.Fatal(err)
	}
	s, diags := Load(afero.NewOsFs(), dir, LoadOptions{})
	if got := len(diags); got != n || diags[0].Summary != "Output outside the spec directory" {
		t.Errorf("got %d diagnostics, want %d of Output outside the spec directory:\n%s", got, n, diagText(s, diags))
	}
}

// TestReferenceThroughEscapingSymlink: a reference file reached through a
// symbolic link that leads outside the spec directory is refused like an
// output, so no file from elsewhere is sent to the service.
func TestReferenceThroughEscapingSymlink(t *testing.T) {
	root := t.TempDir()
	dir, outside := filepath.Join(root, "spec"), filepath.Join(root, "outside")
	for _, d := range []string{dir, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "secret.png"), []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "refs")); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
	src := "provider \"offline\" {}\nimage \"a\" {\n  prompt = \"p\"\n  images = [\"refs/secret.png\"]\n  output = \"a.png\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "a.pix.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags := Load(afero.NewOsFs(), dir, LoadOptions{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "symbolic link") {
		t.Errorf("got %v, want an error about the symbolic link", diags)
	}
}
