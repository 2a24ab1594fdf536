package planner

import (
	"maps"
	"slices"

	"github.com/pixform/pixform/spec"
)

// unknownRef stands, among an image's inputs, for the identity of a
// reference to an upstream image that apply regenerates first.
const unknownRef = "asset:(known after apply)"

// known reports whether no input waits on an upstream image.
func known(in map[string]string) bool {
	return !slices.Contains(slices.Collect(maps.Values(in)), unknownRef)
}

// generated returns the inputs and fingerprint an image will be generated
// from: its current ones, ignore_changes or not, as Terraform creates a
// replaced object from its configuration; nil and "" while an upstream's
// identity is known only after apply. The executor records the same, so
// what state and lockfile keep is what made the pixels.
func generated(a *spec.Asset, ids []string) (map[string]string, string) {
	in := Inputs(a, ids)
	if !known(in) {
		return nil, ""
	}
	return in, Fingerprint(in)
}

// upstreamSHA is the content hash the output of the upstream image r
// references will have after apply, which it does not regenerate (up is
// its change). A moved file keeps its bytes: a move's are the recorded
// ones, wherever the file is now (a moved block with a new output path, a
// swap). Otherwise the file on disk counts (edited by hand and kept, it is
// what the reference sends), or what was recorded, moved blocks followed.
func (p *planner) upstreamSHA(r spec.Ref, up *Change) string {
	if up != nil && up.Action == Move && up.Prior != nil {
		return up.Prior.SHA256
	}
	if up != nil && up.Action == Restore && up.Restore != nil {
		return up.Restore.SHA256
	}
	if s, ok, err := p.hasher.Hash(r.Value); err == nil && ok {
		return s
	}
	if up != nil && up.Prior != nil {
		return up.Prior.SHA256
	}
	if pr, _ := p.prior(r.Addr); pr != nil {
		return pr.SHA256
	}
	return ""
}
