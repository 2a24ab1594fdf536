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
		Provider: a.Provider, Model: RecordedModel(a), Prompt: a.Prompt, Inputs: inputs, Refs: refs,
		Ignored: IgnoredKeys(a, inputs), Sensitive: a.Sensitive,
	}
}

// OfflineModel is the model that records of the offline provider's images
// name: it draws placeholders whatever model the image block names.
const OfflineModel = "offline"

// RecordedModel is the model an image's record (state, lockfile) names:
// the one that made it. The fingerprint keeps the block's model (see
// Inputs), so images recorded under it before still match.
func RecordedModel(a *spec.Asset) string {
	if a.Provider == spec.ProviderOffline {
		return OfflineModel
	}
	return a.Model
}
