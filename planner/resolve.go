package planner

import "github.com/pixform/pixform/spec"

// RefContent tells the content hash ("sha256:…") of a local reference: a
// file's, or the output of the image it references. ok is false while
// that content is known only after apply (the upstream is regenerated).
type RefContent func(r spec.Ref) (sha string, ok bool)

// Resolve is the one computation of what an image is generated from: its
// inputs, each reference by its identity, and their fingerprint. The
// planner calls it through its hash cache; the executor with the hashes of
// the bytes it sends, for images whose upstream this apply regenerated,
// and to check the plan's fingerprint for the others. Inputs are nil and
// the fingerprint "" while a reference's content is known only after
// apply.
func Resolve(a *spec.Asset, content RefContent) (map[string]string, string) {
	return generated(a, refIdentities(a, content))
}

// refIdentities are the identities of a's references, in order; an
// upstream known only after apply stands as unknownRef.
func refIdentities(a *spec.Asset, content RefContent) []string {
	ids := make([]string, 0, len(a.Refs))
	for _, r := range a.Refs {
		if r.Kind == spec.RefURL {
			ids = append(ids, RefID(r, ""))
			continue
		}
		sha, ok := content(r)
		if !ok {
			ids = append(ids, unknownRef)
			continue
		}
		ids = append(ids, RefID(r, sha))
	}
	return ids
}
