package spec

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

// fuzzSeeds are valid specs exercising most of the language.
var fuzzSeeds = []string{
	`provider "offline" {}
variable "style" {
  type    = string
  default = "flat"
  validation {
    condition     = length(var.style) > 0
    error_message = "Empty."
  }
}
locals {
  heroes = ["knight", "wizard"]
}
image "logo" {
  model        = "google/gempix2"
  prompt       = "A logo, ${var.style}"
  aspect_ratio = "16:9"
  image_size   = "2k"
  output       = "web/logo.png"
  lifecycle {
    ignore_changes     = [prompt]
    prevent_regenerate = true
  }
}
image "hero" {
  for_each = toset(local.heroes)
  prompt   = "${each.key} sprite"
  images   = ["refs/palette.png", image.logo.output]
  output   = "sprites/${each.key}.png"
}
image "row" {
  count      = 2
  prompt     = "row ${count.index}"
  output     = "row/${count.index}.png"
  depends_on = [image.hero["knight"]]
}
image "poster" {
  prompt = templatefile("t.tmpl", { n = length(image.hero) })
  images = [for h in local.heroes : image.hero[h].output]
  output = "web/poster.png"
}
moved {
  from = image.old
  to   = image.logo
}
`,
	`image "a" {
  prompt = "${file("t.tmpl")} ${filesha256("t.tmpl")} ${fileexists("x")} ${join(",", fileset(".", "**/*.png"))}"
  output = "a.png"
  images = [for r in csvdecode("a,b\n1,2") : "https://example.com/${r.a}.png"]
}
`,
}

// FuzzLoad loads arbitrary bytes as a single spec file: Load must never
// panic (Load recovers, and reports a panic as an Internal error).
func FuzzLoad(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	paths, _ := filepath.Glob("testdata/invalid/*" + FileSuffix)
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := afero.NewMemMapFs()
		files := map[string]string{
			"main.pix.hcl":     string(src),
			"refs/palette.png": "png",
			"t.tmpl":           "n = ${n}",
		}
		for name, content := range files {
			if err := afero.WriteFile(fs, filepath.Join(testDir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		s, diags := Load(fs, testDir, LoadOptions{Vars: []string{}, Env: func(string) string { return "" }})
		if s == nil || s.Files == nil {
			t.Fatal("got a nil spec or Files, want them always")
		}
		for _, d := range diags {
			if d.Summary == "Internal error" {
				t.Fatalf("got a panic:\n%s", d.Detail)
			}
		}
		_ = diagText(s, diags)
		_ = Format(src)
	})
}

// FuzzParseAddr checks that ParseAddr never panics and that its canonical
// form is a fixed point.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"image.logo", `image.hero["knight"]`, "image.row[3]", `image.x["a\"b$${c}"]`, "var.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseAddr(s)
		if err != nil {
			return
		}
		again, err := ParseAddr(got)
		if err != nil || again != got {
			t.Fatalf("ParseAddr(%q) = %q, which parses to %q, %v; want itself", s, got, again, err)
		}
	})
}
