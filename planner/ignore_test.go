package planner

import (
	"testing"

	"github.com/pixform/pixform/spec"
)

// ignore_changes = [images] keeps the earlier identity of a reference whose
// image is regenerated; a generation records the current inputs.
func TestIgnoreImagesHoldsOverRegeneratedUpstream(t *testing.T) {
	w := newWorld()
	up := asset("logo", "a logo", "logo.png")
	w.record(t, up, "logo")
	old := "asset:" + w.st.Assets[up.Addr].SHA256
	down := asset("banner", "a banner", "banner.png")
	down.Refs = []spec.Ref{{Kind: spec.RefAsset, Value: "logo.png", Addr: up.Addr}}
	down.DependsOn = []string{up.Addr}
	down.IgnoreChanges = []string{"images"}
	w.record(t, down, "banner", old)
	w.assets = []*spec.Asset{asset("logo", "a new logo", "logo.png"), down}

	p := w.plan(t, Options{})
	ch := p.Change("image.banner")
	if ch.Action != NoOp || ch.Inputs["images[0]"] != old {
		t.Fatalf("got %s with images[0] %q, want no-op keeping %q", ch.Action, ch.Inputs["images[0]"], old)
	}

	// Regenerated anyway, it is made from what apply makes of the logo.
	p = w.plan(t, Options{Replace: []string{"image.banner"}})
	ch = p.Change("image.banner")
	if ch.Action != Replace || ch.Fingerprint != "" || ch.Inputs != nil {
		t.Errorf("got %s, fingerprint %q, inputs %v; want replace known after apply", ch.Action, ch.Fingerprint, ch.Inputs)
	}

	// With the logo kept (edited by hand, referenced as it is on disk), a
	// regeneration names its current identity, not the one kept.
	w.assets = []*spec.Asset{up, down}
	w.write(t, "logo.png", "logo v2") // drift: kept on disk, referenced as it is
	p = w.plan(t, Options{Replace: []string{"image.banner"}})
	ch = p.Change("image.banner")
	if got := ch.Inputs["images[0]"]; ch.Action != Replace || got == old || got == "" {
		t.Errorf("got %s with images[0] %q, want replace with the current logo (not %q)", ch.Action, got, old)
	}
}
