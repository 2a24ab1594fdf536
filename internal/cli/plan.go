package cli

import (
	"flag"
	"fmt"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// planFlags are the flags plan and apply share.
type planFlags struct {
	varFlags
	targets multi
	replace multi
}

func (p *planFlags) register(fs *flag.FlagSet) {
	p.varFlags.register(fs)
	fs.Var(&p.targets, "target", "plan only `ADDR` and what it depends on (repeatable)")
	fs.Var(&p.replace, "replace", "regenerate `ADDR` even if nothing changed (repeatable)")
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
	return opts, true
}

func runPlan(e *env, args []string) int {
	fs := newFlags(e, "plan", "plan [-detailed-exitcode] [-target=ADDR]... [-replace=ADDR]... [-var NAME=VALUE]... [-var-file=FILE]...")
	var pf planFlags
	pf.register(fs)
	detailed := fs.Bool("detailed-exitcode", false, "exit 2 when there are changes, 0 when there are none, 1 on error")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	sp, ok := e.loadSpec(pf.varFlags)
	if !ok {
		return ExitError
	}
	opts, ok := pf.options(e)
	if !ok {
		return ExitError
	}
	st, err := state.Load(e.fs, e.dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	p, ok := e.makePlan(sp, st, opts)
	if !ok {
		return ExitError
	}
	e.renderPlan(p, st)
	if *detailed && p.HasChanges() {
		return ExitChanges
	}
	return ExitOK
}

// makePlan plans sp against st and the lockfile, printing diagnostics.
func (e *env) makePlan(sp *spec.Spec, st *state.State, opts planner.Options) (*planner.Plan, bool) {
	lock, err := state.ReadLock(e.fs, e.dir)
	if err != nil {
		e.errorf("%v", err)
		return nil, false
	}
	p, diags := planner.Make(e.fs, sp, st, lock, opts)
	e.printDiags(sp, diags)
	if diags.HasErrors() {
		return nil, false
	}
	return p, true
}

// pendingNote tells the user about tasks an earlier apply left in flight.
func (e *env) pendingNote(st *state.State) {
	if len(st.Pending) == 0 {
		return
	}
	fmt.Fprintf(e.stdout, "\n%d image(s) have tasks in flight from an earlier apply; apply resumes them without paying again.\n", len(st.Pending))
	for addr, p := range st.Pending {
		if p.TaskID == "" {
			fmt.Fprintf(e.stdout, "  %s: an apply stopped while submitting it; the service may have accepted (and charged for) that submission unrecorded.\n", addr)
		}
	}
}
