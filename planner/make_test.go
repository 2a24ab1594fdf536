package planner

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"

	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

const dir = "/proj"

// world is a spec directory in memory with a state that recorded some assets.
type world struct {
	fs     afero.Fs
	assets []*spec.Asset
	st     *state.State
	lock   *state.Lock
	moved  []spec.Moved
}

func newWorld() *world {
	return &world{fs: afero.NewMemMapFs(), st: &state.State{Version: 1, Lineage: "l", Assets: map[string]*state.Asset{}}}
}

func (w *world) write(t *testing.T, rel, content string) string {
	t.Helper()
	if err := afero.WriteFile(w.fs, dir+"/"+rel, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := HashFile(w.fs, dir+"/"+rel)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func asset(name, prompt, output string) *spec.Asset {
	return &spec.Asset{Addr: "image." + name, Name: name, Provider: "defapi", Model: spec.DefaultModel, Prompt: prompt, Output: output}
}

// record stores a as generated, with its output written to disk.
func (w *world) record(t *testing.T, a *spec.Asset, content string, refIDs ...string) {
	t.Helper()
	sum := w.write(t, a.Output, content)
	in := Inputs(a, refIDs)
	w.st.Assets[a.Addr] = &state.Asset{Addr: a.Addr, Output: a.Output, SHA256: sum, Fingerprint: Fingerprint(in), Model: a.Model, Prompt: a.Prompt, Inputs: in}
}

func (w *world) plan(t *testing.T, opts Options) *Plan {
	t.Helper()
	sp := &spec.Spec{Dir: dir, Assets: w.assets, Moved: w.moved}
	p, diags := Make(w.fs, sp, w.st, w.lock, opts)
	if diags.HasErrors() {
		t.Fatalf("Make: %v", diags)
	}
	return p
}

// actions summarises a plan as addr -> action (+ "drift").
func actions(p *Plan) map[string]string {
	out := map[string]string{}
	for _, ch := range p.Changes {
		s := string(ch.Action)
		if ch.Drift {
			s += "+drift"
		}
		if ch.MovedFrom != "" {
			s += "<-" + ch.MovedFrom
		}
		out[ch.Addr] = s
	}
	return out
}

func TestMakeActions(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, w *world)
		opts  Options
		want  map[string]string
	}{
		{"new asset is created", func(t *testing.T, w *world) {
			w.assets = []*spec.Asset{asset("logo", "a logo", "logo.png")}
		}, Options{}, map[string]string{"image.logo": "create"}},
		{"unchanged asset is a no-op", func(t *testing.T, w *world) {
			a := asset("logo", "a logo", "logo.png")
			w.assets = []*spec.Asset{a}
			w.record(t, a, "png")
		}, Options{}, map[string]string{"image.logo": "no-op"}},
		{"changed prompt is replaced", func(t *testing.T, w *world) {
			a := asset("logo", "a logo", "logo.png")
			w.record(t, a, "png")
			w.assets = []*spec.Asset{asset("logo", "a better logo", "logo.png")}
		}, Options{}, map[string]string{"image.logo": "replace"}},
		{"missing output is created again", func(t *testing.T, w *world) {
			a := asset("logo", "a logo", "logo.png")
			w.record(t, a, "png")
			w.fs.Remove(dir + "/logo.png")
			w.assets = []*spec.Asset{a}
		}, Options{}, map[string]string{"image.logo": "create"}},
		{"hand-edited output is drift, kept", func(t *testing.T, w *world) {
			a := asset("logo", "a logo", "logo.png")
			w.record(t, a, "png")
			w.write(t, "logo.png", "edited")
			w.assets = []*spec.Asset{a}
		}, Options{}, map[string]string{"image.logo": "no-op+drift"}},
		{"hand-edited output with -replace is replaced", func(t *testing.T, w *world) {
			a := asset("logo", "a logo", "logo.png")
			w.record(t, a, "png")
			w.write(t, "logo.png", "edited")
			w.assets = []*spec.Asset{a}
		}, Options{Replace: []string{"image.logo"}}, map[string]string{"image.logo": "replace"}},
		{"new output path is a move", func(t *testing.T, w *world) {
			a := asset("logo", "a logo", "logo.png")
			w.record(t, a, "png")
			w.assets = []*spec.Asset{asset("logo", "a logo", "img/logo.png")}
		}, Options{}, map[string]string{"image.logo": "move"}},
		{"removed asset is deleted", func(t *testing.T, w *world) {
			w.record(t, asset("old", "old", "old.png"), "png")
		}, Options{}, map[string]string{"image.old": "delete"}},
		{"lockfile alone reaches no-op", func(t *testing.T, w *world) {
			a := asset("logo", "a logo", "logo.png")
			w.record(t, a, "png")
			w.lock = &state.Lock{Images: []state.LockImage{{Addr: a.Addr, Output: a.Output, SHA256: w.st.Assets[a.Addr].SHA256, Fingerprint: w.st.Assets[a.Addr].Fingerprint, Model: a.Model}}}
			w.st.Assets = map[string]*state.Asset{}
			w.assets = []*spec.Asset{a}
		}, Options{}, map[string]string{"image.logo": "no-op"}},
		{"upstream regenerated makes dependent replace", func(t *testing.T, w *world) {
			up := asset("hero", "a hero", "hero.png")
			w.record(t, up, "hero")
			down := asset("poster", "a poster", "poster.png")
			down.Refs = []spec.Ref{{Kind: spec.RefAsset, Value: "hero.png", Addr: up.Addr}}
			down.DependsOn = []string{up.Addr}
			w.record(t, down, "poster", "asset:"+w.st.Assets[up.Addr].SHA256)
			w.assets = []*spec.Asset{asset("hero", "a new hero", "hero.png"), down}
		}, Options{}, map[string]string{"image.hero": "replace", "image.poster": "replace"}},
		{"unchanged upstream keeps dependent", func(t *testing.T, w *world) {
			up := asset("hero", "a hero", "hero.png")
			w.record(t, up, "hero")
			down := asset("poster", "a poster", "poster.png")
			down.Refs = []spec.Ref{{Kind: spec.RefAsset, Value: "hero.png", Addr: up.Addr}}
			down.DependsOn = []string{up.Addr}
			w.record(t, down, "poster", "asset:"+w.st.Assets[up.Addr].SHA256)
			w.assets = []*spec.Asset{up, down}
		}, Options{}, map[string]string{"image.hero": "no-op", "image.poster": "no-op"}},
		{"changed reference file replaces", func(t *testing.T, w *world) {
			w.write(t, "ref.png", "RIFF0000WEBPv1")
			a := asset("logo", "a logo", "logo.png")
			a.Refs = []spec.Ref{{Kind: spec.RefFile, Value: "ref.png"}}
			sum, _ := HashFile(w.fs, dir+"/ref.png")
			w.record(t, a, "png", "file:"+sum)
			w.write(t, "ref.png", "RIFF0000WEBPv2")
			w.assets = []*spec.Asset{a}
		}, Options{}, map[string]string{"image.logo": "replace"}},
		{"ignore_changes prompt keeps it", func(t *testing.T, w *world) {
			a := asset("logo", "a logo", "logo.png")
			w.record(t, a, "png")
			b := asset("logo", "a logo (typo fixed)", "logo.png")
			b.IgnoreChanges = []string{"prompt"}
			w.assets = []*spec.Asset{b}
		}, Options{}, map[string]string{"image.logo": "no-op"}},
		{"moved block renames without generating", func(t *testing.T, w *world) {
			w.record(t, asset("old", "a logo", "logo.png"), "png")
			b := asset("new", "a logo", "logo.png")
			w.assets = []*spec.Asset{b}
			w.moved = []spec.Moved{{From: "image.old", To: "image.new"}}
		}, Options{}, map[string]string{"image.new": "no-op<-image.old"}},
		{"block-level moved block carries instance keys", func(t *testing.T, w *world) {
			old := asset("old", "a logo", "logo.png")
			old.Addr = `image.old["a"]`
			w.record(t, old, "png")
			b := asset("new", "a logo", "logo.png")
			b.Addr = `image.new["a"]`
			w.assets = []*spec.Asset{b}
			w.moved = []spec.Moved{{From: "image.old", To: "image.new"}}
		}, Options{}, map[string]string{`image.new["a"]`: `no-op<-image.old["a"]`}},
		{"target selects it and its upstream", func(t *testing.T, w *world) {
			up := asset("hero", "a hero", "hero.png")
			down := asset("poster", "a poster", "poster.png")
			down.DependsOn = []string{up.Addr}
			w.assets = []*spec.Asset{up, down, asset("other", "x", "x.png")}
		}, Options{Targets: []string{"image.poster"}}, map[string]string{"image.hero": "create", "image.poster": "create"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			tt.setup(t, w)
			got := actions(w.plan(t, tt.opts))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReplaceReasonNamesPrompt(t *testing.T) {
	w := newWorld()
	a := asset("logo", "a logo", "logo.png")
	w.record(t, a, "png")
	b := asset("logo", "a logo", "logo.png")
	b.Prompt, b.Model = "a better logo", "google/nano-banana-pro"
	w.assets = []*spec.Asset{b}
	ch := w.plan(t, Options{}).Change("image.logo")
	want := []Reason{
		{Code: ReasonInputChanged, Input: "model", From: "google/gempix2", To: "google/nano-banana-pro"},
		{Code: ReasonInputChanged, Input: "prompt", From: "a logo", To: "a better logo"},
	}
	if diff := cmp.Diff(want, ch.Reasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	if ch.Prior.Prompt != "a logo" {
		t.Errorf("got prior prompt %q, want %q", ch.Prior.Prompt, "a logo")
	}
}

func TestPreventRegenerateRefuses(t *testing.T) {
	w := newWorld()
	a := asset("logo", "a logo", "logo.png")
	w.record(t, a, "png")
	b := asset("logo", "another logo", "logo.png")
	b.PreventRegenerate = true
	sp := &spec.Spec{Dir: dir, Assets: []*spec.Asset{b}}
	_, diags := Make(w.fs, sp, w.st, nil, Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "prevent_regenerate") {
		t.Fatalf("got %v, want an error naming prevent_regenerate", diags)
	}
}

func TestFingerprintIgnoresOutputPath(t *testing.T) {
	a, b := asset("x", "p", "a.png"), asset("x", "p", "b/b.png")
	if Fingerprint(Inputs(a, nil)) != Fingerprint(Inputs(b, nil)) {
		t.Error("fingerprint depends on the output path")
	}
	c := asset("x", "p", "a.png")
	c.AspectRatio = "16:9"
	if Fingerprint(Inputs(a, nil)) == Fingerprint(Inputs(c, nil)) {
		t.Error("fingerprint ignores aspect_ratio")
	}
}

func TestHashCacheSkipsUnchangedFiles(t *testing.T) {
	fs := afero.NewMemMapFs()
	afero.WriteFile(fs, dir+"/a.png", []byte("one"), 0o644)
	fi, _ := fs.Stat(dir + "/a.png")
	cache := map[string]state.FileHash{"a.png": {Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), SHA256: "sha256:cached"}}
	got, _, err := NewHasher(fs, dir, cache).Hash("a.png")
	if err != nil || got != "sha256:cached" {
		t.Errorf("got %q, %v; want the cached hash", got, err)
	}
	afero.WriteFile(fs, dir+"/a.png", []byte("two!"), 0o644)
	got, _, _ = NewHasher(fs, dir, cache).Hash("a.png")
	if got == "sha256:cached" {
		t.Error("got the cached hash for a changed file")
	}
}

func TestCreateOverExistingFileSaysSo(t *testing.T) {
	w := newWorld()
	w.write(t, "logo.png", "a file nobody recorded")
	w.assets = []*spec.Asset{asset("logo", "a logo", "logo.png")}
	ch := w.plan(t, Options{}).Change("image.logo")
	want := []Reason{{Code: ReasonNew}, {Code: ReasonFileInTheWay, Path: "logo.png"}}
	if d := cmp.Diff(want, ch.Reasons); ch.Action != Create || d != "" {
		t.Errorf("got %s, want create with a reason naming the file in the way (-want +got):\n%s", ch.Action, d)
	}
}
