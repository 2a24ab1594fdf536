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
	a, err := parseApply(args)
	if a != nil {
		e.workspace = a.workspace
	}
	if err != nil {
		return e.argError(err)
	}
	v := applyView(e.useView(a.json))
	if err := a.check(); err != nil {
		return e.errorf("%v", err)
	}
	e.maxCredits = a.maxCredits
	if name := a.planFile(); name != "" { // apply PLANFILE (planfile.go)
		return e.applyPlanFile(name, a, v)
	}
	sp, err := e.loadSpec(a.varFlags)
	if err != nil {
		return e.fail(err)
	}
	opts, err := a.options()
	if err != nil {
		return e.errorf("%v", err)
	}
	opts.Generations = e.storedGenerations()
	store, err := e.openStore(a.lockTimeout)
	if err != nil {
		return e.fail(err)
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
	p, err := e.makePlan(sp, st, lock, opts)
	if err != nil {
		return e.fail(err)
	}
	if err := executor.CheckResume(p, a.tasks); err != nil {
		return e.errorf("%v", err)
	}
	if err := executor.Settle(store, p); err != nil {
		return e.errorf("%v", err)
	}
	v.Plan(p, st)
	if err := a.withinBudget(p); err != nil {
		return e.errorf("%v", err)
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
	if !a.autoApprove && !e.confirm() {
		closeProviders(providers)
		fmt.Fprintln(e.stdout, "\nApply cancelled: nothing was generated.")
		return ExitError
	}
	run := store
	store = nil
	return e.execute(v, run, providers, p, a, opts.Replace)
}

// openStore takes the state lock, saying so when it took over the lock of
// a dead apply.
func (e *env) openStore(timeout time.Duration) (state.Backend, error) {
	store, err := e.openBackend(timeout) // backend.go: local or pg
	if err != nil {
		return nil, err
	}
	if h := store.TookOver(); h != nil {
		msg := fmt.Sprintf("the state lock was held by process %d on %s (started %s), which %s: it was taken over", h.PID, h.Host, h.Started.Format(time.RFC3339), store.TakeoverReason())
		e.view.TookOver(msg)
	}
	return store, nil
}

func (e *env) closeStore(store state.Backend) {
	if err := store.Close(); err != nil {
		e.errorf("%v", err)
	}
}

// execute runs a plan with the store it was made under and the providers
// built for it (see providers), feeding its events to the view's reporter,
// closes both (closing the store writes the lockfile), reports the summary
// and returns the exit code. a gives the parallelism, the budget and the
// tasks to resume; replace, the addresses -replace may submit again.
func (e *env) execute(v applyView, store state.Backend, providers map[string]provider.Provider, p *planner.Plan, a *applyArguments, replace []string) int {
	defer closeProviders(providers)
	printer := v.Reporter(p, a.parallelism)
	images, err := e.checkImageStore()
	if err != nil {
		store.Close()
		return e.errorf("%v", err)
	}
	sum, err := executor.Apply(e.ctx, p, executor.Options{
		Fs: e.fs, Dir: e.dir, Store: store, Providers: providers, Images: images,
		Parallelism: a.parallelism, MaxCredits: a.maxCredits, OnEvent: printer.event,
		ResumeTasks: a.tasks, ResubmitAmbiguous: a.ambiguous, Resubmit: replace,
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
