package planner

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// lockOf returns the lockfile entry that records the state's asset addr.
func lockOf(w *world, addr string) state.LockImage {
	a := w.st.Assets[addr]
	return state.LockImage{Addr: a.Addr, Output: a.Output, SHA256: a.SHA256, Fingerprint: a.Fingerprint, Model: a.Model}
}

// A record of an image the spec no longer declares, whose output another
// image of the spec holds, is stale: forgetting it keeps the file.
func TestStaleRecordIsForgotten(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, w *world)
		want  map[string]string
	}{
		{"a teammate's rename in the lockfile", func(t *testing.T, w *world) {
			b := asset("b", "a", "a.png")
			w.record(t, b, "png")
			w.lock = &state.Lock{Images: []state.LockImage{lockOf(w, b.Addr)}}
			w.st.Assets = map[string]*state.Asset{}
			w.record(t, asset("a", "a", "a.png"), "png")
			w.assets = []*spec.Asset{b}
		}, map[string]string{"image.a": "forget", "image.b": "no-op"}},
		{"two state records at one path", func(t *testing.T, w *world) {
			b := asset("b", "a", "a.png")
			w.record(t, asset("a", "a", "a.png"), "png")
			w.record(t, b, "png")
			w.assets = []*spec.Asset{b}
		}, map[string]string{"image.a": "forget", "image.b": "no-op"}},
		{"a stale lockfile entry at a path the state gives another image", func(t *testing.T, w *world) {
			a := asset("a", "a", "a.png")
			w.record(t, a, "png")
			w.lock = &state.Lock{Images: []state.LockImage{lockOf(w, a.Addr)}}
			delete(w.st.Assets, a.Addr)
			b := asset("b", "a", "a.png")
			w.record(t, b, "png")
			w.assets = []*spec.Asset{b}
		}, map[string]string{"image.a": "forget", "image.b": "no-op"}},
		{"a path the image moves away from", func(t *testing.T, w *world) {
			b := asset("b", "a", "a.png")
			w.record(t, asset("a", "a", "a.png"), "png")
			w.record(t, b, "png")
			w.assets = []*spec.Asset{asset("b", "a", "b.png")}
		}, map[string]string{"image.a": "forget", "image.b": "move"}},
		{"a path nobody holds is deleted", func(t *testing.T, w *world) {
			w.record(t, asset("a", "a", "a.png"), "png")
			w.assets = []*spec.Asset{asset("b", "a", "b.png")}
		}, map[string]string{"image.a": "delete", "image.b": "create"}},
		{"two removed images at one path are deleted", func(t *testing.T, w *world) {
			w.record(t, asset("a", "a", "a.png"), "png")
			w.record(t, asset("b", "a", "a.png"), "png")
		}, map[string]string{"image.a": "delete", "image.b": "delete"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			tt.setup(t, w)
			got := actions(w.plan(t, Options{}))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}

// Moved blocks chain: the nearest address with a record along the chain
// moves to the end of it, as in Terraform.
func TestMovedChains(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, w *world)
		want  map[string]string
	}{
		{"a -> x -> c", func(t *testing.T, w *world) {
			w.record(t, asset("a", "a", "a.png"), "png")
			w.assets = []*spec.Asset{asset("c", "a", "a.png")}
			w.moved = []spec.Moved{{From: "image.a", To: "image.x"}, {From: "image.x", To: "image.c"}}
		}, map[string]string{"image.c": "no-op<-image.a"}},
		{"blocks in any order, and a block-level link", func(t *testing.T, w *world) {
			a := asset("a", "a", "a.png")
			a.Addr = `image.a["k"]`
			w.record(t, a, "png")
			c := asset("c", "a", "a.png")
			c.Addr = `image.c["k"]`
			w.assets = []*spec.Asset{c}
			w.moved = []spec.Moved{{From: `image.x["k"]`, To: `image.c["k"]`}, {From: "image.a", To: "image.x"}}
		}, map[string]string{`image.c["k"]`: `no-op<-image.a["k"]`}},
		{"the nearest record moves; the farther one is deleted", func(t *testing.T, w *world) {
			w.record(t, asset("a", "a", "a.png"), "png")
			w.record(t, asset("x", "x", "x.png"), "x")
			w.assets = []*spec.Asset{asset("c", "x", "x.png")}
			w.moved = []spec.Moved{{From: "image.a", To: "image.x"}, {From: "image.x", To: "image.c"}}
		}, map[string]string{"image.a": "delete", "image.c": "no-op<-image.x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			tt.setup(t, w)
			got := actions(w.plan(t, Options{}))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}

// A reference to an image that only moves keeps its identity: the moved
// file keeps its bytes, wherever it is before apply.
func TestReferenceToMovedImageKeepsIdentity(t *testing.T) {
	ref := func(w *world, up *spec.Asset) *spec.Asset {
		down := asset("banner", "a banner", "banner.png")
		down.Refs = []spec.Ref{{Kind: spec.RefAsset, Value: up.Output, Addr: up.Addr}}
		down.DependsOn = []string{up.Addr}
		return down
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, w *world)
		want  map[string]string
	}{
		{"renamed with a new output path", func(t *testing.T, w *world) {
			logo := asset("logo", "a logo", "logo.png")
			w.record(t, logo, "logo")
			w.record(t, ref(w, logo), "banner", "asset:"+w.st.Assets[logo.Addr].SHA256)
			brand := asset("brand", "a logo", "brand.png")
			w.assets = []*spec.Asset{brand, ref(w, brand)}
			w.moved = []spec.Moved{{From: "image.logo", To: "image.brand"}}
		}, map[string]string{"image.brand": "move<-image.logo", "image.banner": "no-op"}},
		{"two images swap paths", func(t *testing.T, w *world) {
			logo, hero := asset("logo", "a logo", "logo.png"), asset("hero", "a hero", "hero.png")
			w.record(t, logo, "logo")
			w.record(t, hero, "hero")
			w.record(t, ref(w, logo), "banner", "asset:"+w.st.Assets[logo.Addr].SHA256)
			logo2, hero2 := asset("logo", "a logo", "hero.png"), asset("hero", "a hero", "logo.png")
			w.assets = []*spec.Asset{logo2, hero2, ref(w, logo2)}
		}, map[string]string{"image.logo": "move", "image.hero": "move", "image.banner": "no-op"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			tt.setup(t, w)
			got := actions(w.plan(t, Options{}))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}
