package cli

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"path/filepath"
	"sort"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/planfile"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// A saved plan (plan -out=FILE) is written and read by internal/planfile:
// the Lineage and Serial of the state it was made from, the hashes of the
// reference files it read, the provider configurations and every change.
// It holds no API key and no sensitive prompt.

// planPath resolves a plan file name: relative to the spec directory, as
// every path pixform takes is.
func (e *env) planPath(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(e.dir, name)
}

// savePlan writes p to the file name, atomically, in the plan-file
// format (internal/planfile).
func (e *env) savePlan(name string, p *planner.Plan) error {
	data, err := planfile.Encode(p)
	if err != nil {
		var se *planfile.SensitiveError
		if errors.As(err, &se) {
			return fmt.Errorf("%v: run 'pixform apply' without a saved plan, which asks before it generates", se)
		}
		return err
	}
	if err := state.WriteFileAtomic(e.fs, e.planPath(name), data); err != nil {
		return fmt.Errorf("save plan to %s: %w", name, err)
	}
	return nil
}

// readPlanFile reads a saved plan, refusing a version it does not know.
func (e *env) readPlanFile(name string) (*planner.Plan, error) {
	data, err := afero.ReadFile(e.fs, e.planPath(name))
	if err != nil {
		if errors.Is(err, iofs.ErrNotExist) {
			return nil, fmt.Errorf("plan file %s does not exist: make one with 'pixform plan -out=%s'", name, name)
		}
		return nil, fmt.Errorf("read plan file %s: %w", name, err)
	}
	p, err := planfile.Decode(data)
	var ve *planfile.VersionError
	switch {
	case errors.As(err, &ve):
		return nil, fmt.Errorf("plan file %s was made by another pixform: %v; make the plan again with this pixform, 'pixform plan -out=%s'", name, err, name)
	case err != nil:
		return nil, fmt.Errorf("%s is not a pixform plan file this pixform can read: %v; make one with 'pixform plan -out=%s'", name, err, name)
	}
	for i, ch := range p.Changes {
		if ch.Addr == "" || (!ch.Action.Removes() && ch.Action != planner.NoOp && ch.Asset == nil) || (ch.Action.Removes() && ch.Prior == nil) {
			return nil, fmt.Errorf("plan file %s is damaged (change %d is incomplete): make it again with 'pixform plan -out=%s'", name, i, name)
		}
		if bad := unsafePath(ch); bad != "" {
			return nil, fmt.Errorf("plan file %s names the path %q for %s, which is not inside the spec directory: pixform never plans such a path; make the plan again with 'pixform plan -out=%s'", name, bad, ch.Addr, name)
		}
	}
	return p, nil
}

// unsafePath returns a path of the change that leaves the spec directory,
// or "": a saved plan is a file anyone could have edited.
func unsafePath(ch planner.Change) string {
	var paths []string
	if ch.Asset != nil {
		paths = append(paths, ch.Asset.Output)
		for _, r := range ch.Asset.Refs {
			if r.Kind != spec.RefURL {
				paths = append(paths, r.Value)
			}
		}
	}
	if ch.Prior != nil {
		paths = append(paths, ch.Prior.Output)
	}
	for _, p := range paths {
		if !spec.SafeRel(p) {
			return p
		}
	}
	return ""
}

// planStale tells why a saved plan no longer fits the state, or nil. The
// lineage of a plan made before anything was recorded (serial 0) means
// nothing, since an empty state gets a fresh lineage each time it is read:
// such a plan fits a state that still has serial 0.
func planStale(name string, p *planner.Plan, st *state.State) error {
	if p.Serial != 0 && p.Lineage != st.Lineage {
		return fmt.Errorf("this plan was made for another state (lineage %s; the state here has lineage %s): run 'pixform plan -out=%s' here and apply that",
			p.Lineage, st.Lineage, name)
	}
	if p.Serial != st.Serial {
		return fmt.Errorf("the state changed since this plan was made (serial %d, plan made from serial %d): run 'pixform plan -out=%s' again",
			st.Serial, p.Serial, name)
	}
	return nil
}

// refsChanged tells which local reference file differs from what the plan
// read, or nil.
func (e *env) refsChanged(name string, p *planner.Plan) error {
	for _, rel := range sortedKeys(p.RefHashes) {
		got, err := planner.HashFile(e.fs, filepath.Join(e.dir, filepath.FromSlash(rel)))
		switch {
		case err != nil:
			return fmt.Errorf("reference file %s cannot be read since this plan was made (%v): run 'pixform plan -out=%s' again", rel, err, name)
		case got != p.RefHashes[rel]:
			return fmt.Errorf("reference file %s changed since this plan was made: run 'pixform plan -out=%s' again", rel, name)
		}
	}
	return nil
}

// applyPlanFile carries out a saved plan exactly, without asking: the plan
// is what the user approved. It refuses a stale plan.
func (e *env) applyPlanFile(name string, o *applyArguments, v applyView) int {
	if fi, err := e.fs.Stat(e.planPath(name)); err == nil && fi.IsDir() {
		return e.errorf("apply takes a saved plan file, but %s is a directory: to apply the spec there, run 'pixform -chdir=%s apply'.", name, name)
	}
	p, err := e.readPlanFile(name)
	if err != nil {
		return e.errorf("%v", err)
	}
	st, err := e.loadState()
	if err != nil {
		return e.errorf("%v", err)
	}
	if err := planStale(name, p, st); err != nil {
		return e.errorf("%v", err)
	}
	if !p.HasChanges() {
		v.Plan(p, st)
		return ExitOK
	}
	if err := o.withinBudget(p); err != nil {
		return e.errorf("%v", err)
	}
	store, err := e.openStore(o.lockTimeout)
	if err != nil {
		return e.fail(err)
	}
	// Another apply may have finished between the check above and the lock.
	if err := planStale(name, p, store.State()); err != nil {
		e.closeStore(store)
		return e.errorf("%v", err)
	}
	if err := e.refsChanged(name, p); err != nil {
		e.closeStore(store)
		return e.errorf("%v", err)
	}
	if err := executor.Settle(store, p); err != nil {
		e.closeStore(store)
		return e.errorf("%v", err)
	}
	providers, err := e.providers(&spec.Spec{Providers: p.Providers}, p)
	if err != nil {
		e.closeStore(store)
		return e.errorf("%v", err)
	}
	return e.execute(v, store, providers, p, o, nil)
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// showPlanFile renders a saved plan as plan rendered it.
func (e *env) showPlanFile(name string, v showView) int {
	p, err := e.readPlanFile(name)
	if err != nil {
		return e.errorf("%v", err)
	}
	v.Plan(p, state.New())
	return ExitOK
}
