package planner

import (
	"maps"
	"slices"

	"github.com/pixform/pixform/spec"
)

// vacating is an image whose recorded output file leaves its path in this
// plan, because the spec gives the image another output.
type vacating struct {
	addr   string
	sha256 string // of the file recorded at that path
}

// findVacated notes, for the selected assets, the recorded output paths
// their images move away from. Another image may then move onto such a
// path (a chain: a -> b while b -> c; or a swap), where the file found
// there is the leaving image's own.
func (p *planner) findVacated(assets []*spec.Asset, selected map[string]bool) {
	p.vacated = map[string]vacating{}
	p.freed = map[string]string{}
	for _, a := range assets {
		if selected != nil && !selected[a.Addr] {
			continue
		}
		if s := p.st.Assets[a.Addr]; s != nil && s.Output == a.Output {
			if li, ok := p.lock[a.Addr]; !ok || li.Output == a.Output {
				continue // recorded where the spec puts it, whichever record wins: not leaving
			}
		}
		if pr, _ := p.prior(a.Addr); pr != nil && pr.Output != a.Output && spec.SafeRel(pr.Output) {
			p.vacated[pr.Output] = vacating{addr: a.Addr, sha256: pr.SHA256}
		}
	}
}

// owner returns another image recorded (in the state or the lockfile) at
// the path rel, or "". The index is built when first needed: only a plan
// that finds an image's file at its new path already asks.
func (p *planner) owner(rel, addr string) string {
	if p.recordedAt == nil {
		p.recordedAt = map[string]string{}
		for a, s := range p.st.Assets {
			p.recordedAt[s.Output] = a
		}
		for a, li := range p.lock {
			if _, ok := p.recordedAt[li.Output]; !ok {
				p.recordedAt[li.Output] = a
			}
		}
	}
	if o := p.recordedAt[rel]; o != addr {
		return o
	}
	return ""
}

// freedBy returns the image that moves away from a's new output path,
// whose recorded file (sum) is there now, or "".
func (p *planner) freedBy(a *spec.Asset, sum string) string {
	v, ok := p.vacated[a.Output]
	if !ok || v.addr == a.Addr || v.sha256 != sum {
		return ""
	}
	return v.addr
}

// ParkedPath is where apply puts an output aside while it swaps paths
// (two images that exchange outputs, or a longer cycle): one file of the
// cycle waits there, recorded at that path, until its destination is free.
func ParkedPath(rel string) string { return rel + ".pixform-moving" }

// checkFreed refuses a move onto a path whose image is not moved away in
// this plan after all (it is regenerated): its file would be overwritten
// before its new image exists.
func (p *planner) checkFreed() {
	for _, addr := range slices.Sorted(maps.Keys(p.freed)) { // diagnostics in a stable order
		v := p.freed[addr]
		if vc := p.changes[v]; vc != nil && vc.Action == Move {
			continue
		}
		ch := p.changes[addr]
		p.errorf(ch.Asset, "Output path taken",
			"%s moves its output to %s, where %s's image is, but %s is regenerated rather than moved: its file would be overwritten before its new image exists. Move %s first (apply without changing its inputs), or give %s another path.",
			addr, ch.Asset.Output, v, v, v, addr)
	}
}

// parkedAside reports whether the recorded output of ch, missing, is at its
// ParkedPath instead (an apply stopped between parking it and recording
// that), and then makes ch's prior point there.
func (p *planner) parkedAside(ch *Change) bool {
	at := ParkedPath(ch.Prior.Output)
	if sum, ok, _ := p.hasher.Hash(at); !ok || sum != ch.Prior.SHA256 {
		return false
	}
	parked := *ch.Prior
	parked.Output = at
	ch.Prior = &parked
	return true
}

// claimant returns an image of the spec other than addr whose output is
// recorded at rel (in the state, the lockfile, or as the prior of its
// change, moved blocks followed) or moves to rel in this plan, or "". A
// record of addr at rel is then stale (a teammate renamed addr, and the
// lockfile pulled gives the file to its new address): deleting rel would
// delete that image's file. The index is built when first needed.
func (p *planner) claimant(addr, rel string) string {
	if p.claims == nil {
		p.claims = map[string][]string{}
		claim := func(rel, by string) {
			if !slices.Contains(p.claims[rel], by) {
				p.claims[rel] = append(p.claims[rel], by)
			}
		}
		for _, a := range p.sp.Assets {
			if s := p.st.Assets[a.Addr]; s != nil {
				claim(s.Output, a.Addr)
			}
			if li, ok := p.lock[a.Addr]; ok {
				claim(li.Output, a.Addr)
			}
			if ch := p.changes[a.Addr]; ch != nil {
				if ch.Prior != nil {
					claim(ch.Prior.Output, a.Addr)
				}
				if ch.Action == Move {
					claim(a.Output, a.Addr)
				}
			}
		}
	}
	for _, by := range p.claims[rel] {
		if by != addr {
			return by
		}
	}
	return ""
}
