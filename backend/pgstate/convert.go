package pgstate

import (
	"context"

	"github.com/pixform/pixform/backend/pg"
	"github.com/pixform/pixform/state"
)

// Load reads workspace ws of db as a state. A workspace that does not
// exist yet reads as an empty state (its lineage is made when an apply
// first locks it). Models, the spending history behind cost estimates, is
// the history of every workspace of the schema.
func Load(ctx context.Context, db *pg.DB, ws string) (*state.State, error) {
	st := state.New()
	w, err := db.Workspace(ctx, ws)
	if err != nil {
		return nil, err
	}
	if w != nil {
		st.Lineage, st.Serial = w.Lineage, uint64(w.Serial)
	}
	imgs, err := db.Images(ctx, ws)
	if err != nil {
		return nil, err
	}
	for _, im := range imgs {
		a := FromImage(im)
		st.Assets[a.Addr] = &a
	}
	ps, err := db.PendingTasks(ctx, ws)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		sp := FromPending(p)
		st.Pending[sp.Addr] = &sp
	}
	models, err := db.ModelStats(ctx)
	if err != nil {
		return nil, err
	}
	for m, s := range models {
		st.Models[m] = state.ModelStats{Tasks: s.Tasks, Consumed: s.Consumed}
	}
	return st, nil
}

// FromImage is the state.Asset of a row.
func FromImage(im pg.Image) state.Asset {
	return state.Asset{Addr: im.Addr, Output: im.Output, SHA256: im.SHA256, Fingerprint: im.Fingerprint,
		Provider: im.Provider, Model: im.Model, Prompt: im.Prompt, Inputs: im.Inputs, Refs: im.Refs,
		Ignored: im.Ignored, TaskID: im.TaskID, Consumed: im.Consumed, GeneratedAt: im.GeneratedAt.UTC(),
		Sensitive: im.Sensitive, Pick: im.Pick}
}

// ToImage is the row of a state.Asset.
func ToImage(a state.Asset) pg.Image {
	return pg.Image{Addr: a.Addr, Output: a.Output, SHA256: a.SHA256, Fingerprint: a.Fingerprint,
		Provider: a.Provider, Model: a.Model, Prompt: a.Prompt, Inputs: a.Inputs, Refs: a.Refs,
		Ignored: a.Ignored, TaskID: a.TaskID, Consumed: a.Consumed, GeneratedAt: a.GeneratedAt,
		Sensitive: a.Sensitive, Pick: a.Pick}
}

// FromPending is the state.Pending of a row.
func FromPending(p pg.Pending) state.Pending {
	sp := state.Pending{Addr: p.Addr, Fingerprint: p.Fingerprint, Provider: p.Provider, Model: p.Model,
		TaskID: p.TaskID, IntentAt: p.IntentAt.UTC(), Unsent: p.Unsent, Ambiguous: p.Ambiguous, Counted: p.Counted}
	if !p.SubmittedAt.IsZero() {
		sp.SubmittedAt = p.SubmittedAt.UTC()
	}
	return sp
}

// ToPending is the row of a state.Pending.
func ToPending(p state.Pending) pg.Pending {
	return pg.Pending{Addr: p.Addr, Fingerprint: p.Fingerprint, Provider: p.Provider, Model: p.Model,
		TaskID: p.TaskID, IntentAt: p.IntentAt, SubmittedAt: p.SubmittedAt, Unsent: p.Unsent,
		Ambiguous: p.Ambiguous, Counted: p.Counted}
}
