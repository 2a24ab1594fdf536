package cli

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/state"
)

func runApply(e *env, args []string) int {
	fs := newFlags(e, "apply", "apply [-auto-approve] [-parallelism=N] [-lock-timeout=D] [-resume-task=ADDR=ID]... [-resubmit-ambiguous] [plan flags]\n       pixform apply [-parallelism=N] [-lock-timeout=D] [-resume-task=ADDR=ID]... [-resubmit-ambiguous] PLANFILE   (a plan saved by plan -out: applied as it is, without asking)")
	var pf planFlags
	pf.register(fs)
	autoApprove := fs.Bool("auto-approve", false, "apply without asking")
	parallelism := fs.Int("parallelism", executor.DefaultParallelism, "how many generation tasks may be in flight at once")
	lockTimeout := fs.Duration("lock-timeout", 0, "how long to wait for another apply to release the state lock")
	var rf resumeFlags
	rf.register(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	v := applyView(e.useView(pf.json))
	if !pf.start(e) {
		return ExitError
	}
	if pf.json && !*autoApprove && fs.NArg() == 0 {
		return e.errorf("apply -json needs -auto-approve: with machine output there is no one to answer the question. Add -auto-approve, or apply a plan saved with 'pixform plan -out=FILE'.")
	}
	if *parallelism < 1 {
		return e.errorf("-parallelism=%d: it must be at least 1.", *parallelism)
	}
	tasks, ok := rf.parse(e)
	if !ok {
		return ExitError
	}
	e.resume.tasks = tasks
	e.resume.ambiguous = rf.ambiguous
	if fs.NArg() > 0 { // apply PLANFILE (planfile.go)
		if fs.NArg() > 1 || pf.set() {
			return e.errorf("apply takes one saved plan file, and the plan already fixes variables, targets and replacements: put flags such as -parallelism before the file, and leave out -var, -var-file, -target, -replace and -provider.")
		}
		return e.applyPlanFile(fs.Arg(0), savedApply{parallelism: *parallelism, lockTimeout: *lockTimeout, flags: &pf}, v)
	}
	sp, ok := e.loadSpec(pf.varFlags)
	if !ok {
		return ExitError
	}
	opts, ok := pf.options(e)
	if !ok {
		return ExitError
	}
	store, ok := e.openStore(*lockTimeout)
	if !ok {
		return ExitError
	}
	defer func() {
		if store != nil { // not handed to execute
			e.closeStore(store)
		}
	}()
	st := store.State()
	lock, err := state.ReadLock(e.fs, e.dir) // under the state lock: no apply is writing it
	if err != nil {
		return e.errorf("%v", err)
	}
	p, ok := e.makePlan(sp, st, lock, opts)
	if !ok {
		return ExitError
	}
	e.resume.replace = opts.Replace
	if err := executor.CheckResume(p, e.resume.tasks); err != nil {
		return e.errorf("%v", err)
	}
	if err := executor.Settle(store, p); err != nil {
		return e.errorf("%v", err)
	}
	v.Plan(p, st)
	if !pf.withinBudget(e, p) {
		return ExitError
	}
	if !p.HasChanges() {
		return ExitOK
	}
	// Everything that needs no network is checked before asking: the key,
	// the base URL, the callback listener.
	providers, err := e.providers(sp, p)
	if err != nil {
		return e.errorf("%v", err)
	}
	if _, err := e.checkImageStore(); err != nil {
		closeProviders(providers)
		return e.errorf("%v", err)
	}
	if !*autoApprove && !e.confirm() {
		closeProviders(providers)
		fmt.Fprintln(e.stdout, "\nApply cancelled: nothing was generated.")
		return ExitError
	}
	run := store
	store = nil
	return e.execute(v, run, providers, p, *parallelism, pf.maxCredits)
}

// openStore takes the state lock, saying so when it took over the lock of
// a dead apply.
func (e *env) openStore(timeout time.Duration) (state.Backend, bool) {
	store, err := state.Open(e.fs, e.dir, state.LockOptions{Timeout: timeout, Context: e.ctx})
	if err != nil {
		e.errorf("%v", err)
		return nil, false
	}
	if h := store.TookOver(); h != nil {
		msg := fmt.Sprintf("the state lock was held by process %d on %s (started %s), which %s: it was taken over", h.PID, h.Host, h.Started.Format(time.RFC3339), store.TakeoverReason())
		e.view.TookOver(msg)
	}
	return store, true
}

func (e *env) closeStore(store state.Backend) {
	if err := store.Close(); err != nil {
		e.errorf("%v", err)
	}
}

// execute runs a plan with the store it was made under and the providers
// built for it (see providers), feeding its events to the view's reporter,
// closes both (closing the store writes the lockfile), reports the summary
// and returns the exit code.
func (e *env) execute(v applyView, store state.Backend, providers map[string]provider.Provider, p *planner.Plan, parallelism int, maxCredits float64) int {
	defer closeProviders(providers)
	printer := v.Reporter(p, parallelism)
	images, err := e.checkImageStore()
	if err != nil {
		store.Close()
		return e.errorf("%v", err)
	}
	sum, err := executor.Apply(e.ctx, p, executor.Options{
		Fs: e.fs, Dir: e.dir, Store: store, Providers: providers, Images: images,
		Parallelism: parallelism, MaxCredits: maxCredits, OnEvent: printer.event,
		ResumeTasks: e.resume.tasks, ResubmitAmbiguous: e.resume.ambiguous, Resubmit: e.resume.replace,
	})
	cerr := store.Close()
	printer.summary(sum)
	switch {
	case err != nil:
		return e.errorf("%v", err)
	case cerr != nil:
		return e.errorf("%v", cerr)
	case sum.Failed > 0 || sum.Stopped || e.ctx.Err() != nil:
		return ExitError
	}
	return ExitOK
}

// confirm asks whether to go on; only "yes" does.
func (e *env) confirm() bool {
	fmt.Fprint(e.stdout, "\nDo you want to generate these images?\n  pixform will spend credits on what is shown above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	return strings.TrimSpace(line) == "yes"
}
