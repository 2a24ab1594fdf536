package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/store"
)

// imageStore is the store of every image pixform downloaded for this spec
// (PIXFORM_STORE, or .pixform/store under the spec directory).
func (e *env) imageStore() *store.Local {
	return store.NewLocal(e.fs, store.Dir(e.dir, e.getenv))
}

// checkImageStore opens the image store and checks that it can be written,
// so that apply refuses before anything is spent rather than paying for
// images it cannot keep.
func (e *env) checkImageStore() (*store.Local, error) {
	s := e.imageStore()
	if err := s.Check(e.ctx); err != nil {
		return nil, fmt.Errorf("the image store cannot be used, so nothing was generated: %w; pixform keeps every image it downloads in %s (set %s to move it): "+
			"make that directory writable or point %s at one that is, then apply again", err, s.Root(), store.EnvVar, store.EnvVar)
	}
	return s, nil
}

// storedGenerations tells the planner what the store holds of a
// fingerprint, so that it plans a restore instead of paying again. The
// index is read once, on the first question; a generation whose blob is
// gone (collected, or moved aside as corrupt) does not count. A store that
// cannot be read holds nothing for the plan: it pays as before.
func (e *env) storedGenerations() planner.GenerationsFunc {
	s := e.imageStore()
	byFP := sync.OnceValue(func() map[string][]planner.Generation {
		gens, err := s.Generations(e.ctx, store.Query{})
		if err != nil {
			return nil
		}
		out := map[string][]planner.Generation{}
		for _, g := range gens {
			out[g.Fingerprint] = append(out[g.Fingerprint], planner.Generation{
				SHA256: g.SHA256, TaskID: g.TaskID, Model: g.Model, Credits: g.Credits, Created: g.Created})
		}
		return out
	})
	return func(fp string) []planner.Generation {
		var held []planner.Generation
		for _, g := range byFP()[fp] {
			if ok, err := s.Has(e.ctx, g.SHA256); err == nil && ok {
				held = append(held, g)
			}
		}
		return held
	}
}

// storedDate says when a stored generation was made, from its RFC 3339
// time: the date and the minute, in UTC.
func storedDate(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return rfc3339
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// shortSum shows a sha256 digest by its first digits.
func shortSum(sum string) string {
	if len(sum) > len("sha256:")+12 {
		return sum[:len("sha256:")+12]
	}
	return sum
}

// writeUnpicked notes the images with candidates of which none is picked
// yet: not a change, a choice left to make.
func writeUnpicked(w io.Writer, p *planner.Plan) {
	for _, ch := range p.Changes {
		if ch.Unpicked {
			fmt.Fprintf(w, "\nNote: %s has candidates and none is picked yet: its output holds the first that landed. "+
				"'pixform candidates %s' lists them; 'pixform pick %s N' picks one.\n", ch.Addr, ch.Addr, ch.Addr)
		}
	}
}
