package planner

import (
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// Record is the state record of a's image, whose file hashes to sha and
// was made from inputs (fingerprint fp): what apply, import and the
// adoption of a lockfile entry write. The caller adds what only it knows
// (the task, the credits, the time).
func Record(a *spec.Asset, inputs map[string]string, fp, sha string) state.Asset {
	refs := make([]string, len(a.Refs))
	for i, r := range a.Refs {
		refs[i] = r.Value
	}
	return state.Asset{
		Addr: a.Addr, Output: a.Output, SHA256: sha, Fingerprint: fp,
		Provider: a.Provider, Model: a.Model, Prompt: a.Prompt, Inputs: inputs, Refs: refs,
		Ignored: IgnoredKeys(a, inputs), Sensitive: a.Sensitive,
	}
}
