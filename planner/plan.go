package planner

import (
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// Action is what apply does to one asset.
type Action string

// The actions, in the order a reader cares about them.
const (
	Create  Action = "create"  // generate an image that does not exist
	Replace Action = "replace" // generate again: inputs changed or -replace
	Restore Action = "restore" // copy a generation the store holds into place: no network, no credits
	// AddCandidates makes the candidates an image with variants lacks,
	// leaving its output as it is (variants raised from 2 to 4).
	AddCandidates Action = "add-candidates"
	Move          Action = "move"   // only the output path changed: move the file
	Delete        Action = "delete" // removed from the spec: delete its output, forget it
	Forget        Action = "forget" // removed from the spec, its file not deleted (another image's now, edited by hand, or gone): forget it only
	NoOp          Action = "no-op"  // nothing to do
	Derive        Action = "derive" // build a derive's output from its source, on this machine (0 credits)
)

// Generates reports whether the action pays for a generation.
func (a Action) Generates() bool { return a == Create || a == Replace }

// Pays reports whether the action submits tasks: a generation, or the
// candidates an image lacks.
func (a Action) Pays() bool { return a.Generates() || a == AddCandidates }

// Builds reports whether the action writes new bytes at the output: a
// generation or a derive. What references it knows its hash after apply.
func (a Action) Builds() bool { return a.Generates() || a == Derive }

// Removes reports whether the action drops the record of an image the spec
// no longer declares (the change has a Prior and no Asset).
func (a Action) Removes() bool { return a == Delete || a == Forget }

// Change is the plan for one asset.
type Change struct {
	Addr    string
	Action  Action
	Reasons []Reason
	// Prior is what the state (or, on a fresh clone, the lockfile) knows.
	Prior *Prior
	// Asset is the spec's asset; nil on delete and forget.
	Asset *spec.Asset
	// Fingerprint of the inputs; empty when known only after apply (an
	// upstream image is regenerated first).
	Fingerprint string
	// Inputs are the named inputs of the fingerprint, to explain changes.
	Inputs map[string]string
	// MovedFrom is the address a moved block renames from.
	MovedFrom string
	// Drift is set when the output on disk differs from what was generated.
	Drift bool
	// Cost is the estimated credits of a generation.
	Cost float64
	// Restore is set on a restore: the generation to copy out of the
	// store, and what to do when the store's copy is missing or corrupt.
	Restore *Restoring
	// Candidates is how many new candidates apply makes of an image with
	// variants (0 for an image without): on a generating change the output
	// gets the first that lands; Cost counts them all.
	Candidates int
	// Unpicked notes an image with candidates of which none is picked yet
	// (see pixform pick): not a change.
	Unpicked bool
}

// Prior is what pixform recorded about an asset before this plan.
type Prior struct {
	Output      string
	SHA256      string
	Fingerprint string
	Model       string
	Prompt      string
	Inputs      map[string]string
	FromLock    bool // known from the lockfile only
	Sensitive   bool // Prompt derived from a sensitive variable
	// Ignored are the inputs lifecycle.ignore_changes kept, as the lockfile
	// records them: on a fresh clone they stand in for Inputs.
	Ignored map[string]string
	// Pick is the sha256 of the candidate picked with pixform pick, "" when
	// none was.
	Pick string
}

// Plan is an ordered list of changes and what it was made from.
type Plan struct {
	Lineage string
	Serial  uint64
	Changes []Change
	// Files is the refreshed file-hash cache, for the executor to store.
	Files map[string]state.FileHash
	// RefHashes are the hashes of the local reference files the plan read,
	// so a saved plan can tell when one changed since.
	RefHashes map[string]string
	Providers map[string]*spec.Provider
	Cost      float64
	Warnings  []string
	// Adopt are lockfile entries outside -target that know their image
	// better than the state (a teammate's newer image, pulled): apply
	// records them, so the lockfile it writes keeps them.
	Adopt []state.LockImage
}

// Counts tallies the actions of a plan.
type Counts struct {
	Create, Replace, Move, Delete, Forget, NoOp, Drift, Restore int
	AddCandidates                                               int
	Derive                                                      int
}

// Counts returns how many changes of each action the plan holds.
func (p *Plan) Counts() Counts {
	var c Counts
	for _, ch := range p.Changes {
		switch ch.Action {
		case Create:
			c.Create++
		case Replace:
			c.Replace++
		case Move:
			c.Move++
		case Delete:
			c.Delete++
		case Forget:
			c.Forget++
		case Restore:
			c.Restore++
		case AddCandidates:
			c.AddCandidates++
		case Derive:
			c.Derive++
		default:
			c.NoOp++
		}
		if ch.Drift {
			c.Drift++
		}
	}
	return c
}

// HasChanges reports whether applying the plan would do anything.
func (p *Plan) HasChanges() bool {
	for _, ch := range p.Changes {
		if ch.Action != NoOp || ch.MovedFrom != "" {
			return true
		}
	}
	return false
}

// Change returns the change for addr, or nil.
func (p *Plan) Change(addr string) *Change {
	for i := range p.Changes {
		if p.Changes[i].Addr == addr {
			return &p.Changes[i]
		}
	}
	return nil
}

// KeptInputs are the prior inputs that lifecycle.ignore_changes keeps:
// all of them when the state knows them, else those the lockfile recorded.
func (p *Prior) KeptInputs() map[string]string {
	if p == nil {
		return nil
	}
	if p.Inputs != nil {
		return p.Inputs
	}
	return p.Ignored
}
