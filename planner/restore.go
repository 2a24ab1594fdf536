package planner

import (
	"slices"
	"time"
)

// Generation is one image the store holds for a fingerprint, as the
// planner needs to know it: enough to plan a restore and to say when the
// image was made. The CLI fills it from the store (Options.Generations);
// the planner does not import the store.
type Generation struct {
	SHA256  string    // "sha256:<hex>", a blob of the store
	TaskID  string    // the task that made it; empty for an offline image
	Model   string    //
	Credits float64   // what it cost when it was made
	Created time.Time // when it was made
}

// GenerationsFunc returns the generations the store holds of fingerprint
// fp, oldest first.
type GenerationsFunc func(fp string) []Generation

// Restoring is what a restore change copies out of the store, and what apply
// does instead when the store's copy turns out to be missing or corrupt.
type Restoring struct {
	Generation
	// Instead is the generating action apply falls back to (create or
	// replace), and InsteadCost its estimate: a restore itself is free.
	Instead     Action
	InsteadCost float64
}

// planRestore turns a change that would generate into a restore, when the
// store holds a generation of its planned fingerprint and the user did not
// ask for a new image with -replace. The generation the prior record names
// is taken when there is one (an output deleted by mistake comes back as
// it was), the newest otherwise.
func (p *planner) planRestore(ch *Change) {
	if p.opts.Generations == nil || ch.Fingerprint == "" || slices.Contains(p.opts.Replace, ch.Addr) {
		return
	}
	gens := p.opts.Generations(ch.Fingerprint)
	if len(gens) == 0 {
		return
	}
	g := gens[len(gens)-1]
	if ch.Prior != nil && ch.Prior.Fingerprint == ch.Fingerprint {
		for _, x := range gens {
			if x.SHA256 == ch.Prior.SHA256 {
				g = x
			}
		}
	}
	ch.Restore = &Restoring{Generation: g, Instead: ch.Action, InsteadCost: ch.Cost}
	ch.Action, ch.Cost = Restore, 0
	ch.Reasons = append(ch.Reasons, Reason{Code: ReasonRestoredFromStore, From: g.SHA256, Detail: g.Created.UTC().Format(time.RFC3339)})
}
