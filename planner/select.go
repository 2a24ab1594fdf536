package planner

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"

	"github.com/pixform/pixform/spec"
)

// selection returns the addresses -target selects with everything they
// depend on, or nil when there are no targets (everything is selected).
func (p *planner) selection() (map[string]bool, hcl.Diagnostics) {
	if len(p.opts.Targets) == 0 {
		return nil, nil
	}
	byAddr := map[string]*spec.Asset{}
	for _, a := range p.sp.Assets {
		byAddr[a.Addr] = a
	}
	sel := map[string]bool{}
	var add func(addr string)
	add = func(addr string) {
		if sel[addr] {
			return
		}
		sel[addr] = true
		if a := byAddr[addr]; a != nil {
			for _, d := range a.DependsOn {
				add(d)
			}
		}
	}
	var diags hcl.Diagnostics
	for _, t := range p.opts.Targets {
		found := false
		for _, a := range p.sp.Assets {
			if spec.Instance(t, a.Addr) {
				add(a.Addr)
				found = true
			}
		}
		for addr := range p.st.Assets {
			if spec.Instance(t, addr) {
				sel[addr], found = true, true
			}
		}
		if !found {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown target",
				Detail:   fmt.Sprintf("-target=%s names no image in the spec or the state. Run 'pixform state list' or check the spelling.", t),
			})
		}
	}
	return sel, diags
}

// topoOrder returns assets with every asset after the ones it depends on,
// otherwise in address order.
func topoOrder(assets []*spec.Asset) []*spec.Asset {
	byAddr := make(map[string]*spec.Asset, len(assets))
	for _, a := range assets {
		byAddr[a.Addr] = a
	}
	done := make(map[string]bool, len(assets))
	out := make([]*spec.Asset, 0, len(assets))
	var visit func(a *spec.Asset)
	visit = func(a *spec.Asset) {
		if done[a.Addr] {
			return
		}
		done[a.Addr] = true // set first: a cycle (reported by spec) cannot recurse forever
		for _, d := range a.DependsOn {
			if up := byAddr[d]; up != nil {
				visit(up)
			}
		}
		out = append(out, a)
	}
	for _, a := range assets {
		visit(a)
	}
	return out
}

// deletes plans the recorded assets that the spec no longer declares.
func (p *planner) deletes(selected map[string]bool) {
	inSpec := map[string]bool{}
	for _, a := range p.sp.Assets {
		inSpec[a.Addr] = true
	}
	movedAway := map[string]bool{}
	for _, ch := range p.changes {
		if ch.MovedFrom != "" {
			movedAway[ch.MovedFrom] = true
		}
	}
	addrs := map[string]bool{}
	for addr := range p.st.Assets {
		addrs[addr] = true
	}
	for addr := range p.lock {
		addrs[addr] = true
	}
	var sorted []string
	for addr := range addrs {
		if !inSpec[addr] && !movedAway[addr] && (selected == nil || p.targeted(addr)) {
			sorted = append(sorted, addr)
		}
	}
	sort.Strings(sorted)
	for _, addr := range sorted {
		pr := p.recorded(addr)
		ch := &Change{Addr: addr, Action: Delete, Prior: pr, Reasons: []Reason{{Code: ReasonRemoved}}}
		if by := p.claimant(addr, pr.Output); by != "" {
			ch.Action = Forget // a teammate's rename, pulled: the file is by's now
			ch.Reasons = append(ch.Reasons, Reason{Code: ReasonPathReused, Path: pr.Output, Addr: by})
			p.changes[addr] = ch
			continue
		}
		sum, exists, err := p.hasher.Hash(pr.Output)
		switch { // a delete that would delete no file only forgets
		case err != nil:
			ch.Action = Forget
			ch.Reasons = append(ch.Reasons, Reason{Code: ReasonOutputUnreadable, Path: pr.Output, Detail: err.Error()})
		case !exists:
			ch.Action = Forget
			ch.Reasons = append(ch.Reasons, Reason{Code: ReasonOutputGone, Path: pr.Output})
		case sum != pr.SHA256:
			ch.Action, ch.Drift = Forget, true
			ch.Reasons = append(ch.Reasons, Reason{Code: ReasonRemovedEdited, Path: pr.Output})
		}
		p.changes[addr] = ch
	}
}

func (p *planner) targeted(addr string) bool {
	for _, t := range p.opts.Targets {
		if spec.Instance(t, addr) {
			return true
		}
	}
	return false
}

// adoptOutside lists, under -target, the lockfile entries of images left
// out of the plan that win over the state (see lockWins). A full plan
// adopts such entries through its no-op changes; without this, the
// lockfile written after a targeted apply would put this machine's older
// records back in place of a teammate's newer ones.
func (p *planner) adoptOutside(selected map[string]bool) {
	if selected == nil {
		return
	}
	addrs := make([]string, 0, len(p.lock))
	for addr := range p.lock {
		addrs = append(addrs, addr)
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		a, li := p.st.Assets[addr], p.lock[addr]
		if selected[addr] || a == nil || !p.lockWins(a, li) {
			continue
		}
		p.plan.Adopt = append(p.plan.Adopt, li)
	}
}
