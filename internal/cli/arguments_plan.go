package cli

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
)

// planFlags are the flags plan and apply share.
type planFlags struct {
	varFlags
	targets    multi
	replace    multi
	json       bool    // -json: machine-readable output (jsonui.go)
	maxCredits float64 // -max-credits: refuse plans that cost more; 0 means no cap
	workspace  string  // -workspace (backend.go)
}

func (p *planFlags) register(fs *flag.FlagSet) {
	p.varFlags.register(fs)
	fs.Var(&p.targets, "target", "plan only `ADDR` and what it depends on (repeatable)")
	fs.Var(&p.replace, "replace", "regenerate `ADDR` even if nothing changed (repeatable)")
	fs.BoolVar(&p.json, "json", false, "print one JSON object per line instead of text, for machines")
	fs.Float64Var(&p.maxCredits, "max-credits", 0, "refuse a plan estimated to cost more than `N` credits, and stop submitting once N are consumed (0: no cap)")
	registerWorkspace(fs, &p.workspace)
}

// checkBudget refuses a negative -max-credits.
func (p *planFlags) checkBudget() error {
	if p.maxCredits < 0 {
		return fmt.Errorf("-max-credits=%s: a budget cannot be negative; give a number of credits, or 0 for no cap.", credits(p.maxCredits))
	}
	return nil
}

// set reports whether any flag that shapes a plan was given: a saved plan
// takes none of them.
func (p *planFlags) set() bool {
	return len(p.vars)+len(p.varFiles)+len(p.targets)+len(p.replace) > 0 || p.provider != ""
}

// options turns the flags into planner options, checking the addresses.
func (p *planFlags) options() (planner.Options, error) {
	var opts planner.Options
	for _, list := range []struct {
		flag string
		in   []string
		out  *[]string
	}{{"target", p.targets, &opts.Targets}, {"replace", p.replace, &opts.Replace}} {
		for _, s := range list.in {
			addr, err := spec.ParseAddr(s)
			if err != nil {
				return opts, fmt.Errorf("-%s=%s: %v", list.flag, s, err)
			}
			*list.out = append(*list.out, addr)
		}
	}
	return opts, nil
}

// planArguments are plan's.
type planArguments struct {
	planFlags
	detailed bool   // -detailed-exitcode
	out      string // -out: where to save the plan
}

func parsePlan(args []string) (*planArguments, error) {
	fs, out := argFlags("plan", "plan [-out=FILE] [-detailed-exitcode] [-target=ADDR]... [-replace=ADDR]... [-var NAME=VALUE]... [-var-file=FILE]...")
	var a planArguments
	a.register(fs)
	fs.BoolVar(&a.detailed, "detailed-exitcode", false, "exit 2 when there are changes, 0 when there are none, 1 on error")
	fs.StringVar(&a.out, "out", "", "save the plan to `FILE`, for 'pixform apply FILE' to carry out exactly")
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 { // flags after it were not parsed: -detailed-exitcode must not be lost silently
		return nil, fmt.Errorf("plan takes no arguments, but got %q: flags go before any argument, and an image is chosen with -target=ADDR.", fs.Args())
	}
	return &a, nil
}

// applyArguments are apply's: plan's flags, or a saved plan file.
type applyArguments struct {
	planFlags
	autoApprove bool
	parallelism int
	lockTimeout time.Duration
	resumeFlags
	files []string // apply PLANFILE; check refuses more than one
	// tasks is -resume-task by canonical address, filled by check.
	tasks map[string]string
}

func parseApply(args []string) (*applyArguments, error) {
	fs, out := argFlags("apply", "apply [-auto-approve] [-parallelism=N] [-lock-timeout=D] [-resume-task=ADDR=ID]... [-resubmit-ambiguous] [plan flags]\n       pixform apply [-parallelism=N] [-lock-timeout=D] [-resume-task=ADDR=ID]... [-resubmit-ambiguous] PLANFILE   (a plan saved by plan -out: applied as it is, without asking)")
	var a applyArguments
	a.planFlags.register(fs)
	fs.BoolVar(&a.autoApprove, "auto-approve", false, "apply without asking")
	fs.IntVar(&a.parallelism, "parallelism", executor.DefaultParallelism, "how many generation tasks may be in flight at once")
	fs.DurationVar(&a.lockTimeout, "lock-timeout", 0, "how long to wait for another apply to release the state lock")
	a.resumeFlags.register(fs)
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	a.files = fs.Args()
	return &a, nil
}

// planFile is the saved plan to apply, or "".
func (a *applyArguments) planFile() string {
	if len(a.files) == 0 {
		return ""
	}
	return a.files[0]
}

// check refuses, once the view is chosen, the values that parse but
// cannot be applied, in the order apply has always checked them.
func (a *applyArguments) check() error {
	if err := a.checkBudget(); err != nil {
		return err
	}
	if a.json && !a.autoApprove && len(a.files) == 0 {
		return fmt.Errorf("apply -json needs -auto-approve: with machine output there is no one to answer the question. Add -auto-approve, or apply a plan saved with 'pixform plan -out=FILE'.")
	}
	if a.parallelism < 1 {
		return fmt.Errorf("-parallelism=%d: it must be at least 1.", a.parallelism)
	}
	tasks, err := a.resumeFlags.parse()
	if err != nil {
		return err
	}
	a.tasks = tasks
	if len(a.files) > 1 || (len(a.files) == 1 && a.set()) {
		return fmt.Errorf("apply takes one saved plan file, and the plan already fixes variables, targets and replacements: put flags such as -parallelism before the file, and leave out -var, -var-file, -target, -replace and -provider.")
	}
	return nil
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }
