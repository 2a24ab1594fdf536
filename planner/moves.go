package planner

import "github.com/pixform/pixform/spec"

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
	for _, a := range assets {
		if selected != nil && !selected[a.Addr] {
			continue
		}
		if pr, _ := p.prior(a.Addr); pr != nil && pr.Output != a.Output && SafeRel(pr.Output) {
			p.vacated[pr.Output] = vacating{addr: a.Addr, sha256: pr.SHA256}
		}
	}
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
