package executor

import (
	"maps"
	"slices"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/state"
)

// Settle records what a plan learnt without generating anything, and is
// called once, under the lock, before the plan is shown or applied:
//   - the hashes the plan read, so the next plan reads no file again;
//   - the images the plan knows from the lockfile alone and leaves as they
//     are: on a fresh clone, and when a teammate's newer image and lockfile
//     were pulled over an older local state. Without them the state would
//     keep its older memory, and the lockfile the store writes from the
//     state on Close would revert the teammate's entry. Under -target,
//     Plan.Adopt lists those outside the selection.
func Settle(store state.Backend, p *planner.Plan) error {
	if err := store.SetFiles(p.Files); err != nil {
		return err
	}
	for _, ch := range p.Changes {
		pr := ch.Prior
		if pr == nil || !pr.FromLock || ch.Action != planner.NoOp || ch.Drift || ch.MovedFrom != "" ||
			ch.Asset == nil || ch.Fingerprint != pr.Fingerprint {
			continue
		}
		rec := planner.Record(ch.Asset, ch.Inputs, pr.Fingerprint, pr.SHA256)
		rec.Model = pr.Model // as the lockfile says: a lockfile of an older pixform is not rewritten
		rec.Pick = pr.Pick
		if err := store.RecordDone(rec); err != nil {
			return err
		}
	}
	for _, li := range p.Adopt { // outside -target: the lockfile entry as it is
		kept := li.DecodeIgnored()
		rec := state.Asset{
			Addr: li.Addr, Output: li.Output, SHA256: li.SHA256, Fingerprint: li.Fingerprint, Model: li.Model,
			Inputs: kept, Ignored: slices.Sorted(maps.Keys(kept)), Pick: li.Pick,
		}
		if err := store.RecordDone(rec); err != nil {
			return err
		}
	}
	return nil
}
