package planner

import "github.com/pixform/pixform/spec"

// A derive (spec.Asset.Derive) is planned as an image is, from inputs of its
// own: the description of its operations and encoding (which names the
// encoder's version) and its source's content hash. What would create or
// replace an image derives it instead: built on this machine, 0 credits.

// deriveInputs are the named inputs of a derive's fingerprint.
func deriveInputs(a *spec.Asset, refIDs []string) map[string]string {
	in := map[string]string{"derive": a.Derive.Describe}
	if len(refIDs) > 0 {
		in["source"] = refIDs[0]
	}
	return in
}

// decideDerive turns a derive's create or replace into Derive, with the
// reasons a derive has.
func (p *planner) decideDerive(ch *Change, ids []string) {
	if !ch.Action.Generates() {
		return
	}
	ch.Action = Derive
	ch.Inputs, ch.Fingerprint = generated(ch.Asset, ids)
	for i, r := range ch.Reasons {
		if r.Code != ReasonInputChanged {
			continue
		}
		switch r.Input {
		case "source":
			ch.Reasons[i] = Reason{Code: ReasonSourceChanged, Addr: ch.Asset.Derive.Source, From: r.From, To: r.To}
		case "derive":
			ch.Reasons[i] = Reason{Code: ReasonOpsChanged, From: r.From, To: r.To}
		}
	}
}
