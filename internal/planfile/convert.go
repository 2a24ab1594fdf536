package planfile

import (
	"fmt"
	"maps"
	"time"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// SensitiveError is returned by Write for a plan that would generate an
// image from a sensitive prompt: the file would hold the secret.
type SensitiveError struct{ Addr string }

func (e *SensitiveError) Error() string {
	return fmt.Sprintf("a saved plan would hold the sensitive prompt of %s", e.Addr)
}

func toWire(p *planner.Plan) (planV2, error) {
	w := planV2{
		Version: Version, Lineage: p.Lineage, Serial: p.Serial, Cost: p.Cost,
		Warnings: p.Warnings, RefHashes: p.RefHashes, Changes: make([]changeV2, len(p.Changes)),
	}
	if len(p.Providers) > 0 {
		w.Providers = make(map[string]providerV2, len(p.Providers))
		for name, pr := range p.Providers {
			w.Providers[name] = providerToWire(pr)
		}
	}
	for i := range p.Changes {
		ch := &p.Changes[i]
		if (ch.Action.Generates() || ch.Action == planner.Restore) && ch.Asset != nil && ch.Asset.Sensitive { // a restore may generate, and records the prompt
			return planV2{}, &SensitiveError{Addr: ch.Addr}
		}
		w.Changes[i] = changeToWire(ch)
	}
	if len(p.Files) > 0 {
		w.Files = make(map[string]fileHashV2, len(p.Files))
		for k, f := range p.Files {
			w.Files[k] = fileHashV2{Size: f.Size, ModTime: f.ModTime, Inode: f.Inode, SHA256: f.SHA256, Format: f.Format}
		}
	}
	for _, l := range p.Adopt {
		w.Adopt = append(w.Adopt, lockImageV2{Addr: l.Addr, Output: l.Output, SHA256: l.SHA256,
			Fingerprint: l.Fingerprint, Model: l.Model, Ignored: l.Ignored, Pick: l.Pick})
	}
	return w, nil
}

func providerToWire(p *spec.Provider) providerV2 {
	w := providerV2{Type: p.Type, BaseURL: p.BaseURL, RateLimit: p.RateLimit,
		RetryFor: durationToWire(p.RetryFor), RetryAttempts: p.RetryAttempts,
		NotFoundGrace: durationToWire(p.NotFoundGrace)}
	if p.Callback != nil {
		w.Callback = &callbackV2{Listen: p.Callback.Listen, PublicURL: p.Callback.PublicURL}
	}
	return w
}

func durationToWire(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// changeToWire converts one change. A sensitive prompt is left out, with
// the prompt input it shapes: only a change that does not generate can
// carry one, and apply needs neither for it.
func changeToWire(ch *planner.Change) changeV2 {
	w := changeV2{Addr: ch.Addr, Action: string(ch.Action), Reasons: reasonsToWire(ch.Reasons),
		Fingerprint: ch.Fingerprint, Inputs: ch.Inputs, MovedFrom: ch.MovedFrom,
		Drift: ch.Drift, Cost: ch.Cost, Candidates: ch.Candidates, Unpicked: ch.Unpicked}
	if r := ch.Restore; r != nil {
		w.Restore = &restoreV2{SHA256: r.SHA256, TaskID: r.TaskID, Model: r.Model, Credits: r.Credits,
			Instead: string(r.Instead), InsteadCost: r.InsteadCost}
		if !r.Created.IsZero() {
			w.Restore.Created = r.Created.UTC().Format(time.RFC3339Nano)
		}
	}
	if a := ch.Asset; a != nil {
		img := &imageV2{Addr: a.Addr, Name: a.Name, Key: a.Key, Provider: a.Provider,
			Model: a.Model, Prompt: a.Prompt, Sensitive: a.Sensitive, Output: a.Output,
			AspectRatio: a.AspectRatio, ImageSize: a.ImageSize, CallbackURL: a.CallbackURL,
			DependsOn: a.DependsOn, IgnoreChanges: a.IgnoreChanges, PreventRegenerate: a.PreventRegenerate, Variants: a.Variants}
		for _, r := range a.Refs {
			img.Refs = append(img.Refs, refV2{Kind: refKindToWire(r.Kind), Value: r.Value, Addr: r.Addr})
		}
		img.Derive, img.Check = deriveToWire(a.Derive), checkToWire(a.Check)
		if a.Sensitive {
			img.Prompt = ""
			w.Inputs = withoutPrompt(w.Inputs)
		}
		w.Image = img
	}
	if pr := ch.Prior; pr != nil {
		w.Prior = &priorV2{Output: pr.Output, SHA256: pr.SHA256, Fingerprint: pr.Fingerprint,
			Model: pr.Model, Prompt: pr.Prompt, Inputs: pr.Inputs, FromLock: pr.FromLock,
			Sensitive: pr.Sensitive, Ignored: pr.Ignored, Pick: pr.Pick}
		if pr.Sensitive {
			w.Prior.Prompt = ""
			w.Prior.Inputs = withoutPrompt(pr.Inputs)
			w.Prior.Ignored = withoutPrompt(pr.Ignored)
		}
	}
	return w
}

func withoutPrompt(in map[string]string) map[string]string {
	if _, ok := in["prompt"]; !ok {
		return in
	}
	out := maps.Clone(in)
	delete(out, "prompt")
	return out
}

func refKindToWire(k spec.RefKind) string {
	switch k {
	case spec.RefFile:
		return "file"
	case spec.RefAsset:
		return "image"
	default:
		return "url"
	}
}

func fromWire(w planV2) (*planner.Plan, error) {
	p := &planner.Plan{Lineage: w.Lineage, Serial: w.Serial, Cost: w.Cost,
		Warnings: w.Warnings, RefHashes: w.RefHashes, Changes: make([]planner.Change, len(w.Changes))}
	if len(w.Providers) > 0 {
		p.Providers = make(map[string]*spec.Provider, len(w.Providers))
		for name, pw := range w.Providers {
			pr, err := providerFromWire(pw)
			if err != nil {
				return nil, fmt.Errorf("provider %q: %w", name, err)
			}
			p.Providers[name] = pr
		}
	}
	for i, cw := range w.Changes {
		ch, err := changeFromWire(cw)
		if err != nil {
			return nil, fmt.Errorf("change %d (%s): %w", i, cw.Addr, err)
		}
		p.Changes[i] = ch
	}
	if len(w.Files) > 0 {
		p.Files = make(map[string]state.FileHash, len(w.Files))
		for k, f := range w.Files {
			p.Files[k] = state.FileHash{Size: f.Size, ModTime: f.ModTime, Inode: f.Inode, SHA256: f.SHA256, Format: f.Format}
		}
	}
	for _, l := range w.Adopt {
		p.Adopt = append(p.Adopt, state.LockImage{Addr: l.Addr, Output: l.Output, SHA256: l.SHA256,
			Fingerprint: l.Fingerprint, Model: l.Model, Ignored: l.Ignored, Pick: l.Pick})
	}
	return p, nil
}

func providerFromWire(w providerV2) (*spec.Provider, error) {
	p := &spec.Provider{Type: w.Type, BaseURL: w.BaseURL, RateLimit: w.RateLimit, RetryAttempts: w.RetryAttempts}
	var err error
	if p.RetryFor, err = durationFromWire(w.RetryFor); err != nil {
		return nil, fmt.Errorf("retry_for: %w", err)
	}
	if p.NotFoundGrace, err = durationFromWire(w.NotFoundGrace); err != nil {
		return nil, fmt.Errorf("not_found_grace: %w", err)
	}
	if w.Callback != nil {
		p.Callback = &spec.Callback{Listen: w.Callback.Listen, PublicURL: w.Callback.PublicURL}
	}
	return p, nil
}

func durationFromWire(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return time.ParseDuration(s)
}

func actionFromWire(s string) (planner.Action, bool) {
	for _, a := range []planner.Action{planner.Create, planner.Replace, planner.Move, planner.Delete, planner.Forget, planner.NoOp, planner.Restore, planner.AddCandidates, planner.Derive} {
		if string(a) == s {
			return a, true
		}
	}
	return "", false
}

func changeFromWire(w changeV2) (planner.Change, error) {
	act, ok := actionFromWire(w.Action)
	if !ok {
		return planner.Change{}, fmt.Errorf("unknown action %q", w.Action)
	}
	ch := planner.Change{Addr: w.Addr, Action: act, Reasons: reasonsFromWire(w.Reasons), Fingerprint: w.Fingerprint,
		Inputs: w.Inputs, MovedFrom: w.MovedFrom, Drift: w.Drift, Cost: w.Cost, Candidates: w.Candidates, Unpicked: w.Unpicked}
	if img := w.Image; img != nil {
		a := &spec.Asset{Addr: img.Addr, Name: img.Name, Key: img.Key, Provider: img.Provider,
			Model: img.Model, Prompt: img.Prompt, Sensitive: img.Sensitive, Output: img.Output,
			AspectRatio: img.AspectRatio, ImageSize: img.ImageSize, CallbackURL: img.CallbackURL,
			DependsOn: img.DependsOn, IgnoreChanges: img.IgnoreChanges, PreventRegenerate: img.PreventRegenerate, Variants: img.Variants}
		for _, r := range img.Refs {
			kind, err := refKindFromWire(r.Kind)
			if err != nil {
				return planner.Change{}, err
			}
			a.Refs = append(a.Refs, spec.Ref{Kind: kind, Value: r.Value, Addr: r.Addr})
		}
		a.Derive, a.Check = deriveFromWire(img.Derive), checkFromWire(img.Check)
		ch.Asset = a
	}
	if pr := w.Prior; pr != nil {
		ch.Prior = &planner.Prior{Output: pr.Output, SHA256: pr.SHA256, Fingerprint: pr.Fingerprint,
			Model: pr.Model, Prompt: pr.Prompt, Inputs: pr.Inputs, FromLock: pr.FromLock,
			Sensitive: pr.Sensitive, Ignored: pr.Ignored, Pick: pr.Pick}
	}
	if r := w.Restore; r != nil {
		instead, ok := actionFromWire(r.Instead)
		if !ok {
			return planner.Change{}, fmt.Errorf("unknown action %q instead of a restore", r.Instead)
		}
		ch.Restore = &planner.Restoring{Generation: planner.Generation{SHA256: r.SHA256, TaskID: r.TaskID, Model: r.Model, Credits: r.Credits},
			Instead: instead, InsteadCost: r.InsteadCost}
		if r.Created != "" {
			t, err := time.Parse(time.RFC3339Nano, r.Created)
			if err != nil {
				return planner.Change{}, fmt.Errorf("restore of %s: created %q: %w", w.Addr, r.Created, err)
			}
			ch.Restore.Created = t
		}
	}
	return ch, nil
}

func refKindFromWire(s string) (spec.RefKind, error) {
	switch s {
	case "url":
		return spec.RefURL, nil
	case "file":
		return spec.RefFile, nil
	case "image":
		return spec.RefAsset, nil
	}
	return 0, fmt.Errorf("unknown reference kind %q", s)
}

func reasonsToWire(rs []planner.Reason) []reasonV2 {
	var out []reasonV2
	for _, r := range rs {
		w := reasonV2{Code: string(r.Code), Input: r.Input, From: r.From, To: r.To,
			Path: r.Path, Addr: r.Addr, TaskID: r.TaskID, Detail: r.Detail}
		if r.Code == planner.ReasonInputChanged && r.Input == "prompt" {
			w.From, w.To = "", "" // perhaps sensitive; the change holds the prompts
		}
		out = append(out, w)
	}
	return out
}

func reasonsFromWire(ws []reasonV2) []planner.Reason {
	var out []planner.Reason
	for _, w := range ws {
		out = append(out, planner.Reason{Code: planner.ReasonCode(w.Code), Input: w.Input, From: w.From,
			To: w.To, Path: w.Path, Addr: w.Addr, TaskID: w.TaskID, Detail: w.Detail})
	}
	return out
}
