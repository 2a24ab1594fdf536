package cli

import (
	"flag"
	"fmt"
	"strings"
	"sync"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// planFlags are the flags plan and apply share.
type planFlags struct {
	varFlags
	targets    multi
	replace    multi
	json       bool    // -json: machine-readable output (jsonui.go)
	maxCredits float64 // -max-credits: refuse plans that cost more; 0 means no cap
}

func (p *planFlags) register(fs *flag.FlagSet) {
	p.varFlags.register(fs)
	fs.Var(&p.targets, "target", "plan only `ADDR` and what it depends on (repeatable)")
	fs.Var(&p.replace, "replace", "regenerate `ADDR` even if nothing changed (repeatable)")
	fs.BoolVar(&p.json, "json", false, "print one JSON object per line instead of text, for machines")
	fs.Float64Var(&p.maxCredits, "max-credits", 0, "refuse a plan estimated to cost more than `N` credits, and stop submitting once N are consumed (0: no cap)")
}

// start checks the budget of plan or apply, after the command chose its
// view: it refuses a negative one.
func (p *planFlags) start(e *env) bool {
	if p.maxCredits < 0 {
		e.errorf("-max-credits=%s: a budget cannot be negative; give a number of credits, or 0 for no cap.", credits(p.maxCredits))
		return false
	}
	e.maxCredits = p.maxCredits
	return true
}

// withinBudget refuses a plan whose estimated cost exceeds -max-credits.
func (p *planFlags) withinBudget(e *env, pl *planner.Plan) bool {
	if p.maxCredits <= 0 || pl.Cost <= p.maxCredits {
		return true
	}
	e.errorf("the plan is estimated to cost %s credits, more than the budget -max-credits=%s: nothing was submitted. Raise the budget (-max-credits=%s), or plan fewer images with -target=ADDR.",
		credits(pl.Cost), credits(p.maxCredits), credits(pl.Cost))
	return false
}

// options turns the flags into planner options, checking the addresses.
func (p *planFlags) options(e *env) (planner.Options, bool) {
	var opts planner.Options
	for _, list := range []struct {
		flag string
		in   []string
		out  *[]string
	}{{"target", p.targets, &opts.Targets}, {"replace", p.replace, &opts.Replace}} {
		for _, s := range list.in {
			addr, err := spec.ParseAddr(s)
			if err != nil {
				e.errorf("-%s=%s: %v", list.flag, s, err)
				return opts, false
			}
			*list.out = append(*list.out, addr)
		}
	}
	opts.Generations = e.storedGenerations()
	return opts, true
}

func runPlan(e *env, args []string) int {
	fs := newFlags(e, "plan", "plan [-out=FILE] [-detailed-exitcode] [-target=ADDR]... [-replace=ADDR]... [-var NAME=VALUE]... [-var-file=FILE]...")
	var pf planFlags
	pf.register(fs)
	detailed := fs.Bool("detailed-exitcode", false, "exit 2 when there are changes, 0 when there are none, 1 on error")
	out := fs.String("out", "", "save the plan to `FILE`, for 'pixform apply FILE' to carry out exactly")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 { // flags after it were not parsed: -detailed-exitcode must not be lost silently
		return e.errorf("plan takes no arguments, but got %q: flags go before any argument, and an image is chosen with -target=ADDR.", fs.Args())
	}
	v := planView(e.useView(pf.json))
	if !pf.start(e) {
		return ExitError
	}
	stored := e.readStored()
	defer stored() // no read outlives the command
	sp, ok := e.loadSpec(pf.varFlags)
	if !ok {
		return ExitError
	}
	opts, ok := pf.options(e)
	if !ok {
		return ExitError
	}
	r := stored()
	if r.err != nil {
		return e.errorf("%v", r.err)
	}
	st := r.st
	p, ok := e.makePlan(sp, st, r.lock, opts)
	if !ok {
		return ExitError
	}
	v.Plan(p, st)
	if !pf.withinBudget(e, p) {
		return ExitError
	}
	if *out != "" { // planfile.go
		if err := e.savePlan(*out, p); err != nil {
			return e.errorf("%v", err)
		}
		v.Saved(*out)
	}
	if *detailed && p.HasChanges() {
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
		c <- r
	}()
	return sync.OnceValue(func() storedState { return <-c })
}

// makePlan plans sp against st and the lockfile, printing diagnostics.
func (e *env) makePlan(sp *spec.Spec, st *state.State, lock *state.Lock, opts planner.Options) (*planner.Plan, bool) {
	for _, addr := range opts.Replace {
		if sp.Asset(addr) == nil {
			e.errorf("%s", unknownReplace(sp, addr))
			return nil, false
		}
	}
	p, diags := planner.Make(e.fs, sp, st, lock, opts)
	e.printDiags(sp, diags)
	if diags.HasErrors() {
		return nil, false
	}
	p.Warnings = append(p.Warnings, e.checkWarnings(p)...)
	return p, true
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
