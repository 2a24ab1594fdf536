package cli

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// withinBudget refuses a plan whose estimated cost exceeds -max-credits.
func (p *planFlags) withinBudget(pl *planner.Plan) error {
	if p.maxCredits <= 0 || pl.Cost <= p.maxCredits {
		return nil
	}
	return fmt.Errorf("the plan is estimated to cost %s credits, more than the budget -max-credits=%s: nothing was submitted. Raise the budget (-max-credits=%s), or plan fewer images with -target=ADDR.",
		credits(pl.Cost), credits(p.maxCredits), credits(pl.Cost))
}

func runPlan(e *env, args []string) int {
	a, err := parsePlan(args)
	if a != nil {
		e.workspace = a.workspace
	}
	if err != nil {
		return e.argError(err)
	}
	v := planView(e.useView(a.json))
	if err := a.checkBudget(); err != nil {
		return e.errorf("%v", err)
	}
	e.maxCredits = a.maxCredits
	stored := e.readStored()
	defer stored() // no read outlives the command
	sp, err := e.loadSpec(a.varFlags)
	if err != nil {
		return e.fail(err)
	}
	opts, err := a.options()
	if err != nil {
		return e.errorf("%v", err)
	}
	opts.Generations = e.storedGenerations()
	r := stored()
	if r.err != nil {
		return e.errorf("%v", r.err)
	}
	st := r.st
	p, err := e.makePlan(sp, st, r.lock, opts)
	if err != nil {
		return e.fail(err)
	}
	v.Plan(p, st)
	if err := a.withinBudget(p); err != nil {
		return e.errorf("%v", err)
	}
	if a.out != "" { // planfile.go
		if err := e.savePlan(a.out, p); err != nil {
			return e.errorf("%v", err)
		}
		v.Saved(a.out)
	}
	if a.detailed && p.HasChanges() {
		return ExitChanges
	}
	return ExitOK
}

// storedState is what plan reads besides the spec.
type storedState struct {
	st   *state.State
	lock *state.Lock
	err  error
}

// readStored reads the state and the lockfile while the caller goes on
// (on a large project, evaluating the spec takes about as long), and
// returns a function that waits for them.
func (e *env) readStored() func() storedState {
	c := make(chan storedState, 1)
	go func() {
		var r storedState
		r.st, r.lock, r.err = state.LoadWithLock(e.fs, e.dir) // after a crash, the lockfile apply will write first
		if r.err == nil {
			r.st, r.err = e.stateOf(r.st) // the pg backend's, where the spec says so (backend.go)
		}
		c <- r
	}()
	return sync.OnceValue(func() storedState { return <-c })
}

// makePlan plans sp against st and the lockfile; its warnings go to the
// view, its errors come back as a *diagError.
func (e *env) makePlan(sp *spec.Spec, st *state.State, lock *state.Lock, opts planner.Options) (*planner.Plan, error) {
	for _, addr := range opts.Replace {
		if sp.Asset(addr) == nil {
			return nil, errors.New(unknownReplace(sp, addr))
		}
	}
	p, diags := planner.Make(e.fs, sp, st, lock, opts)
	if err := e.diagnosed(sp, diags); err != nil {
		return nil, err
	}
	p.Warnings = append(p.Warnings, e.checkWarnings(p)...)
	return p, nil
}

// unknownReplace explains a -replace address that names no image.
func unknownReplace(sp *spec.Spec, addr string) string {
	var instances []string
	for _, a := range sp.Assets {
		if a.Addr != addr && spec.Instance(addr, a.Addr) {
			instances = append(instances, a.Addr)
		}
	}
	if len(instances) > 0 {
		return fmt.Sprintf("-replace=%s names a block with several instances: name one, such as -replace='%s' (instances: %s).",
			addr, instances[0], strings.Join(instances, ", "))
	}
	return fmt.Sprintf("-replace=%s names no image in the spec: check the spelling; 'pixform state list' lists the images pixform made.", addr)
}
