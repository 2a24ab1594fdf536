package planner

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// TestRecord: the record carries the spec's view of the image, its
// reference identities as written, the inputs ignore_changes keeps, and
// whether its prompt is sensitive.
func TestRecord(t *testing.T) {
	a := asset("hero", "a hero", "hero.png")
	a.Refs = []spec.Ref{{Kind: spec.RefFile, Value: "refs/a.png"}, {Kind: spec.RefURL, Value: "https://example.com/b.png"}}
	a.IgnoreChanges = []string{"prompt"}
	a.Sensitive = true
	in := map[string]string{"prompt": "kept", "model": a.Model, "provider": a.Provider}
	want := state.Asset{
		Addr: "image.hero", Output: "hero.png", SHA256: "sha256:s", Fingerprint: "sha256:f",
		Provider: "defapi", Model: spec.DefaultModel, Prompt: "a hero", Inputs: in,
		Refs: []string{"refs/a.png", "https://example.com/b.png"}, Ignored: []string{"prompt"}, Sensitive: true,
	}
	if diff := cmp.Diff(want, Record(a, in, "sha256:f", "sha256:s")); diff != "" {
		t.Errorf("Record (-want +got):\n%s", diff)
	}
}
