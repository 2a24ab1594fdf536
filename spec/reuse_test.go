package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// reuseSpec reads every kind of input a Load can read.
const reuseSpec = `
provider "defapi" {}
provider "offline" {}

variable "style" { default = "flat" }
variable "mood" { default = "sunny" }
variable "tone" { default = "warm" }

locals {
  sprites = fileset("sets", "*.txt")
  named   = toset([for i in range(20) : format("s%02d.txt", i)])
}

image "hero" {
  provider = "offline"
  prompt   = "${var.style} ${var.mood} ${var.tone} ${env("HERO_EXTRA")} ${file("words.txt")} ${templatefile("tpl/sub/hero.tpl", { n = 1 })} ${filesha256("seed.bin")} ${fileexists("flag.txt")} ${length(local.sprites)}"
  images   = ["refs/palette.png"]
  output   = "out/hero.png"
}

image "sprite" {
  for_each = local.named
  provider = "offline"
  prompt   = "sprite ${each.key}: ${file("sprites/${each.key}")}"
  output   = "out/sprites/${each.key}.png"
}
`

// reuseWorld is a spec directory on the OS filesystem with its .pixform
// directory, where LoadReusing saves its cache.
type reuseWorld struct {
	t    *testing.T
	dir  string
	opts LoadOptions
	env  map[string]string
}

func newReuseWorld(t *testing.T) *reuseWorld {
	w := &reuseWorld{t: t, dir: t.TempDir(), env: map[string]string{"HERO_EXTRA": "bold"}}
	w.opts = LoadOptions{Env: func(k string) string { return w.env[k] }, VarFiles: []string{"vars.pixvars"}}
	for name, src := range map[string]string{
		"main.pix.hcl":      reuseSpec,
		"vars.pixvars":      `mood = "calm"`,
		"words.txt":         "some words",
		"tpl/sub/hero.tpl":  "template ${n}",
		"seed.bin":          "seed",
		"sets/a.txt":        "a",
		"refs/palette.png":  "png",
		"out/sprites/.keep": "",
		".pixform/.keep":    "",
	} {
		w.write(name, src)
	}
	for i := range 20 { // more than oslinks.go stats before it lists the directory
		w.write(fmt.Sprintf("sprites/s%02d.txt", i), "s")
	}
	return w
}

func (w *reuseWorld) path(name string) string { return filepath.Join(w.dir, filepath.FromSlash(name)) }

func (w *reuseWorld) write(name, src string) {
	w.t.Helper()
	if err := os.MkdirAll(filepath.Dir(w.path(name)), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(w.path(name), []byte(src), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

func (w *reuseWorld) cache() string { return w.path(".pixform/spec.cache") }

// load is LoadReusing; it reports whether the saved spec was reused (a
// reused spec's Files hold only the source bytes).
func (w *reuseWorld) load() (*Spec, string, bool) {
	w.t.Helper()
	s, diags := LoadReusing(afero.NewOsFs(), w.dir, w.opts, w.cache())
	reused := len(s.Files) > 0
	for _, f := range s.Files {
		reused = reused && f.Body == nil
	}
	return s, diagText(s, diags), reused
}

// TestLoadReusingSeesEveryChange changes each kind of input a Load reads,
// after a load was saved, and checks that the next LoadReusing gives what a
// full Load gives: never the saved spec.
func TestLoadReusingSeesEveryChange(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(w *reuseWorld)
	}{
		{"spec file edited", func(w *reuseWorld) {
			w.write("main.pix.hcl", strings.Replace(reuseSpec, `default = "flat"`, `default = "round"`, 1))
		}},
		{"spec file added", func(w *reuseWorld) {
			w.write("more.pix.hcl", `image "extra" {
  provider = "offline"
  prompt = "extra"
  output = "out/extra.png"
}`)
		}},
		{"spec file removed", func(w *reuseWorld) {
			w.write("more.pix.hcl", "")
			os.Remove(w.path("main.pix.hcl"))
		}},
		{"var file edited", func(w *reuseWorld) { w.write("vars.pixvars", `mood = "stormy"`) }},
		{"-var given", func(w *reuseWorld) { w.opts.Vars = []string{"tone=cold"} }},
		{"-var-file dropped", func(w *reuseWorld) { w.opts.VarFiles = nil }},
		{"-provider given", func(w *reuseWorld) { w.opts.Provider = "other" }},
		{"PIXFORM_VAR_ set", func(w *reuseWorld) { w.env[EnvVarPrefix+"tone"] = "cold" }},
		{"env() changed", func(w *reuseWorld) { w.env["HERO_EXTRA"] = "shy" }},
		{"DEFAPI_BASE_URL set", func(w *reuseWorld) { w.env["DEFAPI_BASE_URL"] = "http://localhost:1" }},
		{"file() content changed", func(w *reuseWorld) { w.write("words.txt", "other words") }},
		{"template changed", func(w *reuseWorld) { w.write("tpl/sub/hero.tpl", "templated ${n}") }},
		{"template's directory became a link outside", func(w *reuseWorld) {
			outside := w.t.TempDir()
			os.WriteFile(filepath.Join(outside, "hero.tpl"), []byte("template ${n}"), 0o644)
			os.RemoveAll(w.path("tpl/sub"))
			if err := os.Symlink(outside, w.path("tpl/sub")); err != nil {
				w.t.Skip(err)
			}
		}},
		{"filesha256 content changed", func(w *reuseWorld) { w.write("seed.bin", "seed2") }},
		{"fileexists file created", func(w *reuseWorld) { w.write("flag.txt", "") }},
		{"a file read by file() became a link outside", func(w *reuseWorld) {
			outside := filepath.Join(w.t.TempDir(), "s19.txt")
			os.WriteFile(outside, []byte("s"), 0o644)
			os.Remove(w.path("sprites/s19.txt"))
			if err := os.Symlink(outside, w.path("sprites/s19.txt")); err != nil {
				w.t.Skip(err)
			}
		}},
		{"fileset matches a new file", func(w *reuseWorld) { w.write("sets/b.txt", "b") }},
		{"reference image removed", func(w *reuseWorld) { os.Remove(w.path("refs/palette.png")) }},
		{"reference image became a directory", func(w *reuseWorld) {
			os.Remove(w.path("refs/palette.png"))
			os.MkdirAll(w.path("refs/palette.png"), 0o755)
		}},
		{"output directory became a link outside", func(w *reuseWorld) {
			os.RemoveAll(w.path("out/sprites"))
			if err := os.Symlink(w.t.TempDir(), w.path("out/sprites")); err != nil {
				w.t.Skip(err)
			}
		}},
		{"output became a link outside", func(w *reuseWorld) {
			if err := os.Symlink(filepath.Join(w.t.TempDir(), "x.png"), w.path("out/hero.png")); err != nil {
				w.t.Skip(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newReuseWorld(t)
			first, diags, reused := w.load()
			if diags != "" || reused {
				t.Fatalf("first load: reused %v, diagnostics:\n%s", reused, diags)
			}
			again, diags, reused := w.load()
			if diags != "" || !reused {
				t.Fatalf("second load: got reused %v, want true; diagnostics:\n%s", reused, diags)
			}
			if !sameSpec(first, again) {
				t.Fatal("the reused spec differs from the loaded one")
			}
			tc.change(w)
			got, gotDiags, reused := w.load()
			if reused {
				t.Fatal("got the saved spec after the change, want a full load")
			}
			want, wantDiags := Load(afero.NewOsFs(), w.dir, w.opts)
			if !sameSpec(got, want) || gotDiags != diagText(want, wantDiags) {
				t.Fatalf("LoadReusing and Load differ after the change; diagnostics %q and %q", gotDiags, diagText(want, wantDiags))
			}
			if sameSpec(got, first) && gotDiags == "" {
				t.Fatal("the change made no difference to the spec: the case tests nothing")
			}
		})
	}
}

// TestLoadReusingWritesNoSensitiveTrace: a spec with a sensitive variable
// is never saved, so no hash of its value is written.
func TestLoadReusingWritesNoSensitiveTrace(t *testing.T) {
	w := newReuseWorld(t)
	w.write("secret.pix.hcl", `variable "token" {
  sensitive = true
  default = "x"
}`)
	w.env[EnvVarPrefix+"token"] = "hunter2"
	for range 2 {
		if _, diags, reused := w.load(); diags != "" || reused {
			t.Fatalf("got reused %v, want false; diagnostics:\n%s", reused, diags)
		}
	}
	if _, err := os.Stat(w.cache()); !os.IsNotExist(err) {
		t.Fatalf("got a cache file (%v), want none", err)
	}
}

// TestLoadReusingDamagedCache: a cache file that is damaged, or from
// another version, is a full load, not an error.
func TestLoadReusingDamagedCache(t *testing.T) {
	w := newReuseWorld(t)
	w.load()
	data, err := os.ReadFile(w.cache())
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	w.write(".pixform/spec.cache", string(data))
	if _, diags, reused := w.load(); diags != "" || reused {
		t.Fatalf("got reused %v, want false; diagnostics:\n%s", reused, diags)
	}
	if _, diags, reused := w.load(); diags != "" || !reused {
		t.Fatalf("after the rewrite: got reused %v, want true; diagnostics:\n%s", reused, diags)
	}
}
