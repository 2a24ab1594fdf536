package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
)

var ignoreRanges = cmpopts.IgnoreFields(Asset{}, "DeclRange")

func TestLoadAssets(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []*Asset
	}{
		{
			name: "single image with defaults",
			files: map[string]string{"main.pix.hcl": `
image "logo" {
  prompt       = "A rocket logo"
  aspect_ratio = "16:9"
  image_size   = "2k"
  callback_url = "https://example.com/hook"
  output       = "./web//logo.png"
}`},
			want: []*Asset{{
				Addr: "image.logo", Name: "logo", Provider: "defapi", Model: DefaultModel,
				Prompt: "A rocket logo", Output: "web/logo.png", AspectRatio: "16:9", ImageSize: "2k",
				CallbackURL: "https://example.com/hook",
			}},
		},
		{
			name: "for_each over a set",
			files: map[string]string{"main.pix.hcl": `
provider "offline" {}
image "hero" {
  for_each = toset(["wizard", "knight"])
  prompt   = "A ${each.value} sprite"
  output   = "sprites/${each.key}.png"
}`},
			want: []*Asset{
				{Addr: `image.hero["knight"]`, Name: "hero", Key: `"knight"`, Provider: "offline", Model: DefaultModel, Prompt: "A knight sprite", Output: "sprites/knight.png"},
				{Addr: `image.hero["wizard"]`, Name: "hero", Key: `"wizard"`, Provider: "offline", Model: DefaultModel, Prompt: "A wizard sprite", Output: "sprites/wizard.png"},
			},
		},
		{
			name: "for_each over a map of objects",
			files: map[string]string{"main.pix.hcl": `
image "icon" {
  for_each = {
    save = { color = "blue", size = "1k" }
    "odd \"key\"" = { color = "red", size = "4k" }
  }
  model      = "google/nano-banana-pro"
  prompt     = "A ${each.value.color} icon"
  image_size = each.value.size
  output     = "icons/${replace(each.key, "/[^a-z]/", "")}.png"
}`},
			want: []*Asset{
				{Addr: `image.icon["odd \"key\""]`, Name: "icon", Key: `"odd \"key\""`, Provider: "defapi", Model: "google/nano-banana-pro", Prompt: "A red icon", Output: "icons/oddkey.png", ImageSize: "4k"},
				{Addr: `image.icon["save"]`, Name: "icon", Key: `"save"`, Provider: "defapi", Model: "google/nano-banana-pro", Prompt: "A blue icon", Output: "icons/save.png", ImageSize: "1k"},
			},
		},
		{
			name: "count",
			files: map[string]string{"main.pix.hcl": `
image "row" {
  count  = 2
  prompt = "Tile ${count.index}"
  output = "tiles/${count.index}.png"
}
image "none" {
  count  = 0
  prompt = "never"
  output = "never.png"
}`},
			want: []*Asset{
				{Addr: "image.row[0]", Name: "row", Key: "0", Provider: "defapi", Model: DefaultModel, Prompt: "Tile 0", Output: "tiles/0.png"},
				{Addr: "image.row[1]", Name: "row", Key: "1", Provider: "defapi", Model: DefaultModel, Prompt: "Tile 1", Output: "tiles/1.png"},
			},
		},
		{
			name: "references make dependencies, evaluated in topological order",
			files: map[string]string{
				"a.pix.hcl": `
image "poster" {
  prompt = "Poster of ${join(" and ", [for h in image.hero : h.prompt])}"
  images = concat([for k in ["knight", "wizard"] : image.hero[k].output], [image.row[1].output, "refs/style.png"])
  output = "web/poster.png"
}`,
				"b.pix.hcl": `
locals {
  heroes = toset(["knight", "wizard"])
}
image "hero" {
  for_each = local.heroes
  prompt   = each.key
  images   = ["https://example.com/palette.png", image.logo.output]
  output   = "sprites/${each.key}.png"
}
image "logo" {
  prompt = "logo"
  output = "logo.png"
}
image "row" {
  count      = 2
  prompt     = "row ${count.index} after ${image.logo.addr}"
  output     = "row${count.index}.png"
  depends_on = [image.hero, image.logo]
}`,
				"refs/style.png": "png",
			},
			want: []*Asset{
				{
					Addr: `image.hero["knight"]`, Name: "hero", Key: `"knight"`, Provider: "defapi", Model: DefaultModel, Prompt: "knight", Output: "sprites/knight.png",
					Refs:      []Ref{{Kind: RefURL, Value: "https://example.com/palette.png"}, {Kind: RefAsset, Value: "logo.png", Addr: "image.logo"}},
					DependsOn: []string{"image.logo"},
				},
				{
					Addr: `image.hero["wizard"]`, Name: "hero", Key: `"wizard"`, Provider: "defapi", Model: DefaultModel, Prompt: "wizard", Output: "sprites/wizard.png",
					Refs:      []Ref{{Kind: RefURL, Value: "https://example.com/palette.png"}, {Kind: RefAsset, Value: "logo.png", Addr: "image.logo"}},
					DependsOn: []string{"image.logo"},
				},
				{Addr: "image.logo", Name: "logo", Provider: "defapi", Model: DefaultModel, Prompt: "logo", Output: "logo.png"},
				{
					Addr: "image.poster", Name: "poster", Provider: "defapi", Model: DefaultModel, Prompt: "Poster of knight and wizard", Output: "web/poster.png",
					Refs: []Ref{
						{Kind: RefAsset, Value: "sprites/knight.png", Addr: `image.hero["knight"]`},
						{Kind: RefAsset, Value: "sprites/wizard.png", Addr: `image.hero["wizard"]`},
						{Kind: RefAsset, Value: "row1.png", Addr: "image.row[1]"},
						{Kind: RefFile, Value: "refs/style.png"},
					},
					DependsOn: []string{`image.hero["knight"]`, `image.hero["wizard"]`, "image.row[1]"},
				},
				{
					Addr: "image.row[0]", Name: "row", Key: "0", Provider: "defapi", Model: DefaultModel, Prompt: "row 0 after image.logo", Output: "row0.png",
					DependsOn: []string{`image.hero["knight"]`, `image.hero["wizard"]`, "image.logo"},
				},
				{
					Addr: "image.row[1]", Name: "row", Key: "1", Provider: "defapi", Model: DefaultModel, Prompt: "row 1 after image.logo", Output: "row1.png",
					DependsOn: []string{`image.hero["knight"]`, `image.hero["wizard"]`, "image.logo"},
				},
			},
		},
		{
			name: "a literal path to another output is an asset reference",
			files: map[string]string{"main.pix.hcl": `
image "base" {
  prompt = "base"
  output = "out/base.png"
}
image "derived" {
  prompt     = "derived"
  images     = ["out/../out/base.png", "data:image/png;base64,AAAA"]
  output     = "out/derived.jpg"
  depends_on = [image.base]
}`},
			want: []*Asset{
				{Addr: "image.base", Name: "base", Provider: "defapi", Model: DefaultModel, Prompt: "base", Output: "out/base.png"},
				{
					Addr: "image.derived", Name: "derived", Provider: "defapi", Model: DefaultModel, Prompt: "derived", Output: "out/derived.jpg",
					Refs:      []Ref{{Kind: RefAsset, Value: "out/base.png", Addr: "image.base"}, {Kind: RefURL, Value: "data:image/png;base64,AAAA"}},
					DependsOn: []string{"image.base"},
				},
			},
		},
		{
			name: "lifecycle",
			files: map[string]string{"main.pix.hcl": `
image "logo" {
  prompt = "logo"
  output = "logo.png"
  lifecycle {
    ignore_changes     = [prompt, model, prompt]
    prevent_regenerate = true
  }
}
image "all" {
  prompt = "all"
  output = "all.png"
  lifecycle {
    ignore_changes = all
  }
}`},
			want: []*Asset{
				{
					Addr: "image.all", Name: "all", Provider: "defapi", Model: DefaultModel, Prompt: "all", Output: "all.png",
					IgnoreChanges: []string{"aspect_ratio", "image_size", "images", "model", "prompt", "provider"},
				},
				{
					Addr: "image.logo", Name: "logo", Provider: "defapi", Model: DefaultModel, Prompt: "logo", Output: "logo.png",
					IgnoreChanges: []string{"model", "prompt"}, PreventRegenerate: true,
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustLoad(t, tt.files, LoadOptions{})
			if diff := cmp.Diff(tt.want, s.Assets, ignoreRanges); diff != "" {
				t.Errorf("got assets differing (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadKeepsFilesAndRanges(t *testing.T) {
	s, diags := loadFiles(t, map[string]string{
		"b.pix.hcl":   "image \"b\" {\n  prompt = 1 +\n}\n",
		"a.pix.hcl":   "image \"a\" {\n  prompt = \"a\"\n  output = \"a.png\"\n}\n",
		"notes.hcl":   "this is not a spec file",
		"x.pix.hcl.b": "neither is this",
	}, LoadOptions{})
	if !diags.HasErrors() {
		t.Fatal("got no errors, want a syntax error")
	}
	var files []string
	for f := range s.Files {
		files = append(files, f)
	}
	if diff := cmp.Diff([]string{"/spec/a.pix.hcl", "/spec/b.pix.hcl"}, files, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("got files differing (-want +got):\n%s", diff)
	}
	for _, d := range diags {
		if d.Subject == nil || s.Files[d.Subject.Filename] == nil {
			t.Errorf("got diagnostic %q without a range in a loaded file, want one", d.Summary)
		}
	}
	if a := s.Asset("image.a"); a == nil || a.DeclRange.Start.Line != 1 || a.DeclRange.Filename != "/spec/a.pix.hcl" {
		t.Errorf("got asset %+v, want image.a declared at /spec/a.pix.hcl:1", a)
	}
}

func TestLoadNoFiles(t *testing.T) {
	s, diags := loadFiles(t, map[string]string{"README.md": "hi"}, LoadOptions{})
	if s == nil || s.Files == nil {
		t.Fatalf("got spec %v, want a non-nil one with Files", s)
	}
	if len(diags) != 1 || diags[0].Summary != "No spec files" {
		t.Errorf("got %v, want one No spec files error", diags)
	}
	_, diags = Load(memFS(t, nil), "/missing", LoadOptions{})
	if len(diags) != 1 || diags[0].Summary != "Cannot read the spec directory" {
		t.Errorf("got %v, want one Cannot read the spec directory error", diags)
	}
}

func TestModelWarning(t *testing.T) {
	tests := []struct {
		model    string
		wantWarn bool
		wantText string
	}{
		{"google/gempix2", false, ""},
		{"google/nano-banana-pro", false, ""},
		{"google/gempix3", true, `Did you mean "google/gempix2"?`},
		{"nano-banana-pro", true, `Did you mean "google/nano-banana-pro"?`},
		{"openai/dall-e-3", true, `"google/gemini-3.1-flash-image-preview"`},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			s, diags := loadFiles(t, map[string]string{"main.pix.hcl": `
image "logo" {
  count  = 2
  model  = "` + tt.model + `"
  prompt = "logo"
  output = "logo${count.index}.png"
}`}, LoadOptions{})
			if diags.HasErrors() {
				t.Fatalf("got errors, want none: %s", diagText(s, diags))
			}
			if got := s.Asset("image.logo[1]").Model; got != tt.model {
				t.Errorf("got model %q, want %q", got, tt.model)
			}
			if !tt.wantWarn {
				if len(diags) != 0 {
					t.Errorf("got %s, want no diagnostics", diagText(s, diags))
				}
				return
			}
			if len(diags) != 1 || diags[0].Severity != hcl.DiagWarning || diags[0].Summary != "Unknown model" {
				t.Fatalf("got %s, want one Unknown model warning", diagText(s, diags))
			}
			if !strings.Contains(diags[0].Detail, tt.wantText) || diags[0].Subject.Start.Line != 4 {
				t.Errorf("got warning %q at line %d, want it at line 4 containing %q", diags[0].Detail, diags[0].Subject.Start.Line, tt.wantText)
			}
			if strings.Contains(tt.model, "dall") && strings.Contains(diags[0].Detail, "Did you mean") {
				t.Errorf("got %q, want no suggestion for a model far from every known one", diags[0].Detail)
			}
		})
	}
}

func TestMoved(t *testing.T) {
	s := mustLoad(t, map[string]string{"main.pix.hcl": `
image "hero" {
  for_each = toset(["knight"])
  prompt   = "hero"
  output   = "hero.png"
}
moved {
  from = image.old_logo
  to   = image.logo
}
moved {
  from = image.hero
  to   = image.hero["knight"]
}
moved {
  from = image.row[3]
  to   = image.tile["x\ny"]
}`}, LoadOptions{})
	want := []Moved{
		{From: "image.old_logo", To: "image.logo"},
		{From: "image.hero", To: `image.hero["knight"]`},
		{From: "image.row[3]", To: `image.tile["x\ny"]`},
	}
	if diff := cmp.Diff(want, s.Moved, cmpopts.IgnoreFields(Moved{}, "DeclRange")); diff != "" {
		t.Errorf("got moved differing (-want +got):\n%s", diff)
	}
	if got := s.Moved[2].DeclRange.Start.Line; got != 15 {
		t.Errorf("got DeclRange line %d, want 15", got)
	}
}

func TestLocalsReferToImages(t *testing.T) {
	s := mustLoad(t, map[string]string{"main.pix.hcl": `
locals {
  hero_outputs = [for h in image.hero : h.output]
}
image "hero" {
  for_each = { a = "first", b = "second" }
  prompt   = each.value
  output   = "${each.key}.png"
}
image "group" {
  prompt = "group of ${length(local.hero_outputs)}"
  images = local.hero_outputs
  output = "group.png"
}`}, LoadOptions{})
	g := s.Asset("image.group")
	if diff := cmp.Diff([]string{`image.hero["a"]`, `image.hero["b"]`}, g.DependsOn); diff != "" {
		t.Errorf("got DependsOn differing (-want +got):\n%s", diff)
	}
	if g.Prompt != "group of 2" {
		t.Errorf("got prompt %q, want %q", g.Prompt, "group of 2")
	}
}

// TestOneDiagnosticPerMistake checks that a mistake in a block with many
// instances is reported once, not once per instance.
func TestOneDiagnosticPerMistake(t *testing.T) {
	s, diags := loadFiles(t, map[string]string{"main.pix.hcl": `
image "tile" {
  count        = 5
  prompt       = "tile ${var.nope}"
  aspect_ratio = "1:2"
  model        = "google/gempix9"
  output       = "tile${count.index}.png"
}`}, LoadOptions{})
	var got []string
	for _, d := range diags {
		got = append(got, d.Summary)
	}
	want := []string{"Reference to undeclared input variable", "Invalid aspect_ratio", "Unknown model"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("got diagnostics differing (-want +got):\n%s\n%s", diff, diagText(s, diags))
	}
}

func TestNullModelMeansDefault(t *testing.T) {
	s := mustLoad(t, map[string]string{"main.pix.hcl": `
variable "model" {
  default = null
}
image "logo" {
  model  = var.model
  prompt = "logo"
  output = "logo.png"
}`}, LoadOptions{})
	if got := s.Asset("image.logo").Model; got != DefaultModel {
		t.Errorf("got model %q, want %q", got, DefaultModel)
	}
}
