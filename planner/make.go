package planner

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/afero"

	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// Options narrow or force a plan.
type Options struct {
	Targets []string // canonical addresses (instances or whole blocks): plan only these and what they depend on
	Replace []string // canonical instance addresses to regenerate anyway
	// Generations, when set, says what the image store holds of a
	// fingerprint: a change that would generate one it holds is planned
	// as a restore instead (not with Replace).
	Generations GenerationsFunc
}

type planner struct {
	sp         *spec.Spec
	st         *state.State
	lock       map[string]state.LockImage
	hasher     *Hasher
	opts       Options
	changes    map[string]*Change
	vacated    map[string]vacating // recorded outputs whose image moves elsewhere (moves.go)
	freed      map[string]string   // addr -> the image whose path it takes (moves.go)
	recordedAt map[string]string   // output path -> the image recorded there (moves.go)
	claims     map[string][]string // output path -> the images of the spec that hold it (moves.go)
	diags      hcl.Diagnostics
	plan       *Plan
}

// Make plans the spec against the state, the lockfile and the files under
// the spec directory. It reads no network. Errors are diagnostics naming the
// image and its source range.
func Make(fsys afero.Fs, sp *spec.Spec, st *state.State, lock *state.Lock, opts Options) (*Plan, hcl.Diagnostics) {
	if st == nil {
		st = state.New()
	}
	p := &planner{
		sp:      sp,
		st:      st,
		lock:    map[string]state.LockImage{},
		hasher:  NewHasher(fsys, sp.Dir, st.Files),
		opts:    opts,
		changes: map[string]*Change{},
		plan: &Plan{
			Lineage:   st.Lineage,
			Serial:    st.Serial,
			RefHashes: map[string]string{},
			Providers: sp.Providers,
		},
	}
	if lock != nil {
		for _, li := range lock.Images {
			if !spec.SafeRel(li.Output) {
				p.diags = append(p.diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unsafe path in the lockfile",
					Detail:   fmt.Sprintf("%s lists %s with the output %q, which is not inside the spec directory. pixform never writes such a path: restore %s from version control, or delete that entry.", state.LockfileName, li.Addr, li.Output, state.LockfileName),
				})
				continue
			}
			p.lock[li.Addr] = li
		}
	}
	selected, diags := p.selection()
	if diags.HasErrors() {
		return nil, diags
	}
	order := topoOrder(sp.Assets)
	p.prefetch(order, selected)
	p.findVacated(order, selected)
	for _, a := range order {
		if selected != nil && !selected[a.Addr] {
			continue
		}
		p.changes[a.Addr] = p.decide(a)
	}
	p.checkFreed()
	p.deletes(selected)
	p.adoptOutside(selected)
	for _, ch := range p.changes {
		p.plan.Changes = append(p.plan.Changes, *ch)
	}
	sort.Slice(p.plan.Changes, func(i, j int) bool { return p.plan.Changes[i].Addr < p.plan.Changes[j].Addr })
	for _, ch := range p.plan.Changes {
		p.plan.Cost += ch.Cost
	}
	p.plan.Files = p.hasher.Files
	if p.diags.HasErrors() {
		return nil, p.diags
	}
	return p.plan, p.diags
}

// prefetch looks at the files the plan of the selected assets reads:
// their outputs, the outputs recorded for them, and their references.
func (p *planner) prefetch(assets []*spec.Asset, selected map[string]bool) {
	var rels []string
	for _, a := range assets {
		if selected != nil && !selected[a.Addr] {
			continue
		}
		if spec.SafeRel(a.Output) {
			rels = append(rels, a.Output)
		}
		if pr := p.st.Assets[a.Addr]; pr != nil && pr.Output != a.Output && spec.SafeRel(pr.Output) {
			rels = append(rels, pr.Output)
		}
		for _, r := range a.Refs {
			if r.Kind != spec.RefURL {
				rels = append(rels, r.Value)
			}
		}
	}
	p.hasher.Prefetch(rels)
}

// prior finds what was recorded for addr, following moved blocks back
// along their chain (a -> x, x -> c: c was a) to the nearest address with a
// record, as Terraform moves an object through each block in turn.
func (p *planner) prior(addr string) (*Prior, string) {
	if pr := p.recorded(addr); pr != nil {
		return pr, ""
	}
	seen := map[string]bool{addr: true}
	for cur := addr; ; {
		from := p.movedFrom(cur)
		if from == "" || seen[from] { // spec refuses cycles; instance and block moves may still meet
			return nil, ""
		}
		if pr := p.recorded(from); pr != nil {
			return pr, from
		}
		seen[from], cur = true, from
	}
}

// movedFrom returns the address a moved block renames addr from, or "": a
// block naming addr itself first, else a block-level move (image.old to
// image.new), which carries every instance key.
func (p *planner) movedFrom(addr string) string {
	for _, m := range p.sp.Moved {
		if m.To == addr {
			return m.From
		}
	}
	for _, m := range p.sp.Moved {
		if addr != m.To && spec.Instance(m.To, addr) && !strings.Contains(m.From, "[") {
			return m.From + addr[len(m.To):]
		}
	}
	return ""
}

func (p *planner) recorded(addr string) *Prior {
	a, inState := p.st.Assets[addr]
	li, inLock := p.lock[addr]
	if inState && !(inLock && p.lockWins(a, li)) {
		return &Prior{Output: a.Output, SHA256: a.SHA256, Fingerprint: a.Fingerprint, Model: a.Model, Prompt: a.Prompt, Inputs: a.Inputs, Sensitive: a.Sensitive, Pick: a.Pick}
	}
	if inLock {
		return &Prior{Output: li.Output, SHA256: li.SHA256, Fingerprint: li.Fingerprint, Model: li.Model, FromLock: true, Ignored: li.DecodeIgnored(), Pick: li.Pick}
	}
	return nil
}

// lockWins reports whether the committed lockfile knows an image better
// than the local state: they disagree, and the file on disk is the one the
// lockfile names. That is a teammate's newer image pulled from version
// control; the state is only this machine's memory of an older one. (After
// a crash the state can be newer than the lockfile; then the disk holds
// the state's image and the state wins.)
func (p *planner) lockWins(a *state.Asset, li state.LockImage) bool {
	if a.Fingerprint == li.Fingerprint && a.SHA256 == li.SHA256 && a.Output == li.Output {
		return false
	}
	sum, ok, err := p.hasher.Hash(li.Output)
	return err == nil && ok && sum == li.SHA256
}

// decide plans one asset; its upstream assets were decided before it.
func (p *planner) decide(a *spec.Asset) *Change {
	ch := &Change{Addr: a.Addr, Asset: a, Action: NoOp}
	ch.Prior, ch.MovedFrom = p.prior(a.Addr)
	ids, upstream := p.refIDs(a)
	in := Inputs(a, ids)
	if ch.Prior != nil {
		in = IgnoreChanges(a, in, ch.Prior.KeptInputs())
		if ch.Prior.Sensitive && !a.Sensitive && slices.Contains(a.IgnoreChanges, "prompt") {
			p.errorf(a, "Sensitive prompt in ignore_changes",
				"%s keeps its earlier prompt (lifecycle.ignore_changes), which derived from a sensitive variable: to keep a prompt, pixform records it in the lockfile, which you commit. Remove prompt from ignore_changes to let the image follow its new prompt.", a.Addr)
		}
	}
	if upstream != "" && known(in) {
		upstream = "" // ignore_changes keeps the earlier identity of what is regenerated
	}
	if upstream == "" {
		ch.Inputs, ch.Fingerprint = in, Fingerprint(in)
	}
	if ch.MovedFrom != "" {
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonMoved, From: ch.MovedFrom})
	}
	sum, exists, err := p.hasher.Hash(a.Output)
	if err != nil {
		p.errorf(a, "Cannot read output", "Reading the output of %s failed: %s.", a.Addr, err)
	}
	pr := ch.Prior
	switch {
	case pr == nil:
		ch.Action = Create
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonNew})
		if exists {
			ch.Reasons = append(ch.Reasons, Reason{Code: ReasonFileInTheWay, Path: a.Output})
		}
	case slices.Contains(p.opts.Replace, a.Addr):
		ch.Action = Replace
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonReplaceRequested})
	case upstream != "":
		ch.Action = Replace
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonUpstreamRegenerated, Addr: upstream})
	case ch.Fingerprint != pr.Fingerprint:
		ch.Action = Replace
		if pr.Inputs == nil {
			ch.Reasons = append(ch.Reasons, Reason{Code: ReasonLockfileMismatch})
		} else {
			ch.Reasons = append(ch.Reasons, changedInputs(pr.Inputs, ch.Inputs)...)
		}
	case pr.Output != a.Output:
		p.decideMove(ch, a, exists, sum)
	case !exists && p.parkedAside(ch):
		ch.Action = Move // back from where a swap that stopped half-way parked it
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonParked, Path: a.Output, From: ch.Prior.Output})
	case !exists:
		ch.Action = Create
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonOutputMissing, Path: a.Output})
	case sum != pr.SHA256:
		ch.Drift = true
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonOutputEdited, Path: a.Output})
	}
	if a.Derive != nil {
		p.decideDerive(ch, ids)
	}
	if ch.Action.Generates() {
		ch.Inputs, ch.Fingerprint = generated(a, ids)
		if pend := p.st.Pending[a.Addr]; pend != nil && pend.TaskID != "" && pend.Fingerprint == ch.Fingerprint {
			ch.Reasons = append(ch.Reasons, Reason{Code: ReasonTaskResumed, TaskID: pend.TaskID})
		} else {
			ch.Cost = p.estimate(a)
			p.planRestore(ch) // the store may hold it: then it is not paid again
		}
		if ch.Action.Generates() && a.PreventRegenerate && pr != nil {
			p.errorf(a, "Regeneration prevented",
				"%s has lifecycle.prevent_regenerate set, but the plan would regenerate it (%s). Restore its inputs or output, or remove prevent_regenerate to allow it.",
				a.Addr, describeReasons(ch.Reasons))
		}
	}
	p.planCandidates(ch, a)
	ch.Unpicked = Variants(a) > 1 && (ch.Action == NoOp || ch.Action == AddCandidates) && pr != nil && pr.Pick == ""
	return ch
}

// decideMove plans an asset whose only change is its output path.
func (p *planner) decideMove(ch *Change, a *spec.Asset, newExists bool, newSum string) {
	oldSum, oldExists, err := p.hasher.Hash(ch.Prior.Output)
	if err != nil {
		p.errorf(a, "Cannot read output", "Reading the old output of %s failed: %s.", a.Addr, err)
		return
	}
	if !oldExists && p.parkedAside(ch) {
		oldSum, oldExists = ch.Prior.SHA256, true
	}
	pr := ch.Prior
	switch {
	case oldExists && oldSum == pr.SHA256 && !newExists:
		ch.Action = Move
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonOutputPathChanged, From: pr.Output, To: a.Output})
	case newExists && newSum == pr.SHA256 && (!oldExists || oldSum != pr.SHA256 || p.owner(a.Output, a.Addr) == ""):
		// The file was moved already (only the records follow), unless
		// the old one is still in place and the file there is another
		// image's that happens to be the same.
		ch.Action = Move
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonOutputPathChanged, From: pr.Output, To: a.Output, Detail: "already_there"})
	case newExists && oldExists && oldSum == pr.SHA256 && p.freedBy(a, newSum) != "":
		ch.Action = Move                       // a chain or a swap of paths: the executor orders the renames
		p.freed[a.Addr] = p.freedBy(a, newSum) // checkFreed makes sure that image moves
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonOutputPathChanged, From: pr.Output, To: a.Output, Addr: p.freed[a.Addr]})
	case newExists:
		p.errorf(a, "Output path taken",
			"%s moves its output from %s to %s, but a different file is already at %s. Move or delete that file, then plan again.",
			a.Addr, pr.Output, a.Output, a.Output)
	default:
		ch.Action = Create
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonOldOutputGone, From: pr.Output, To: a.Output})
	}
}

// refIDs returns the identities of an asset's references and the address
// of the first upstream asset that will be regenerated, whose identity is
// known only after apply (unknownRef stands in for it), or "".
func (p *planner) refIDs(a *spec.Asset) ([]string, string) {
	first := ""
	ids := refIdentities(a, func(r spec.Ref) (string, bool) {
		if r.Kind == spec.RefAsset {
			up := p.changes[r.Addr]
			if up != nil && up.Action.Builds() { // not AddCandidates: its output stays
				first = cmp.Or(first, r.Addr)
				return "", false
			}
			return p.upstreamSHA(r, up), true
		}
		s, ok, err := p.hasher.Hash(r.Value)
		if err != nil || !ok {
			p.errorf(a, "Missing reference file", "%s references %s, which cannot be read: %v. Create the file or fix the path.", a.Addr, r.Value, errOr(err, "no such file"))
		} else if format, err := p.hasher.Format(r.Value); err != nil || format == "" {
			p.errorf(a, "Reference is not an image",
				"%s references %s, which is not a PNG, JPEG or WebP image (by its first bytes)%s: the service would be sent, and charge for, something it cannot use. Reference an image file.",
				a.Addr, r.Value, errSuffix(err))
		}
		p.plan.RefHashes[r.Value] = s
		return s, true
	})
	return ids, first
}

func (p *planner) errorf(a *spec.Asset, summary, format string, args ...any) {
	rng := a.DeclRange
	p.diags = append(p.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  &rng,
	})
}

func errOr(err error, s string) any {
	if err != nil {
		return err
	}
	return s
}
