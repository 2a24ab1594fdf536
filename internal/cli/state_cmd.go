package cli

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

func runState(e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprint(e.stderr, "Usage: pixform state SUBCOMMAND [args]\n\n"+
			"Subcommands:\n"+
			"  list [ADDR...]   the addresses in the state, sorted; ADDR filters (image.hero lists its instances)\n"+
			"  show ADDR        everything recorded about one image\n"+
			"  rm ADDR...       forget images without deleting their files\n"+
			"  push             copy the local state into the pg backend's workspace\n"+
			"  pull             copy the pg backend's workspace into the local state\n")
		if len(args) == 0 {
			return ExitError
		}
		return ExitOK
	}
	switch args[0] {
	case "list":
		return runStateList(e, args[1:])
	case "show":
		return runStateShow(e, args[1:])
	case "rm":
		return runStateRm(e, args[1:])
	case "push": // state_move.go
		return runStatePush(e, args[1:])
	case "pull":
		return runStatePull(e, args[1:])
	}
	return e.errorf("unknown state subcommand %q: use list, show, rm, push or pull (see 'pixform state -h').", args[0])
}

// recorded is what pixform knows of the images of a directory: the state,
// and the lockfile for images only it holds (a fresh clone's).
type recorded struct {
	st   *state.State
	lock map[string]state.LockImage
}

func (r recorded) addrs() []string {
	set := map[string]bool{}
	for a := range r.st.Assets {
		set[a] = true
	}
	for a := range r.st.Pending {
		set[a] = true
	}
	for a := range r.lock {
		set[a] = true
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// loadRecorded reads the state (without the lock) and the lockfile.
func (e *env) loadRecorded() (recorded, error) {
	st, err := e.loadState() // backend.go: local or pg
	if err != nil {
		return recorded{}, err
	}
	return e.readRecorded(st)
}

func (e *env) readRecorded(st *state.State) (recorded, error) {
	lock, err := state.ReadLock(e.fs, e.dir)
	if err != nil {
		return recorded{}, err
	}
	r := recorded{st: st, lock: map[string]state.LockImage{}}
	if lock != nil {
		for _, li := range lock.Images {
			r.lock[li.Addr] = li
		}
	}
	return r, nil
}

// parseAddrs canonicalises the addresses a user typed.
func parseAddrs(args []string) ([]string, error) {
	out := make([]string, 0, len(args))
	for _, s := range args {
		a, err := spec.ParseAddr(s)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func runStateList(e *env, args []string) int {
	sa, err := parseStateList(args)
	if err != nil {
		return e.argError(err)
	}
	e.workspace = sa.workspace
	filters := sa.addrs
	r, err := e.loadRecorded()
	if err != nil {
		return e.errorf("%v", err)
	}
	for _, a := range r.addrs() {
		if len(filters) == 0 || anyMatch(filters, a) {
			fmt.Fprintln(e.stdout, a)
		}
	}
	return ExitOK
}

func anyMatch(filters []string, addr string) bool {
	for _, f := range filters {
		if spec.Instance(f, addr) {
			return true
		}
	}
	return false
}

func runStateShow(e *env, args []string) int {
	sa, err := parseStateShow(args)
	if err != nil {
		return e.argError(err)
	}
	e.workspace = sa.workspace
	addrs := sa.addrs
	addr := addrs[0]
	r, err := e.loadRecorded()
	if err != nil {
		return e.errorf("%v", err)
	}
	st := r.st
	a, pend, li := st.Assets[addr], st.Pending[addr], r.lock[addr]
	_, inLock := r.lock[addr]
	if a == nil && pend == nil && !inLock {
		return e.errorf("%s is not in the state: run 'pixform state list' to see the addresses it holds.", addr)
	}
	sensitive := a != nil && e.sensitiveAddrs(st)[addr]
	if sensitive {
		a = redactAsset(a)
	}
	w := e.stdout
	fmt.Fprintf(w, "# %s\n", addr)
	switch {
	case a != nil:
		fmt.Fprintf(w, "  output       = %q\n  sha256       = %q\n  fingerprint  = %q\n  provider     = %q\n  model        = %q\n  prompt       = %s\n",
			a.Output, a.SHA256, a.Fingerprint, a.Provider, a.Model, quotedPrompt(a.Prompt, sensitive))
		if len(a.Refs) > 0 {
			fmt.Fprintf(w, "  images       = [%s]\n", quoteList(a.Refs))
		}
		if a.TaskID != "" {
			fmt.Fprintf(w, "  task_id      = %q\n  consumed     = %.2f\n", a.TaskID, a.Consumed)
		} else {
			fmt.Fprintln(w, "  # imported: no task generated it")
		}
		if !a.GeneratedAt.IsZero() {
			fmt.Fprintf(w, "  generated_at = %q\n", a.GeneratedAt.Format(time.RFC3339))
		}
		if len(a.Inputs) > 0 {
			fmt.Fprintln(w, "  inputs = {")
			keys := make([]string, 0, len(a.Inputs))
			for k := range a.Inputs {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(w, "    %-14s = %q\n", k, a.Inputs[k])
			}
			fmt.Fprintln(w, "  }")
		}
	case inLock:
		fmt.Fprintln(w, "  # known from the lockfile only: no apply ran in this copy of the project")
		fmt.Fprintf(w, "  output       = %q\n  sha256       = %q\n  fingerprint  = %q\n  model        = %q\n",
			li.Output, li.SHA256, li.Fingerprint, li.Model)
	}
	if pend != nil {
		fmt.Fprintf(w, "  # a task is in flight: apply resumes it\n  pending = {\n    model     = %q\n    task_id   = %q\n    intent_at = %q\n  }\n",
			pend.Model, pend.TaskID, pend.IntentAt.Format(time.RFC3339))
	}
	return ExitOK
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func runStateRm(e *env, args []string) int {
	sa, err := parseStateRm(args)
	if err != nil {
		return e.argError(err)
	}
	e.workspace = sa.workspace
	filters, lockTimeout := sa.addrs, &sa.lockTimeout
	store, err := e.openBackend(*lockTimeout) // backend.go: local or pg
	if err != nil {
		return e.errorf("%v", err)
	}
	code := e.stateRm(store, filters)
	if err := store.Close(); err != nil {
		return e.errorf("%v", err)
	}
	return code
}

// stateRm forgets every recorded image that filters name; when one names
// nothing, it forgets none.
func (e *env) stateRm(store state.Backend, filters []string) int {
	st := store.State()
	r, err := e.readRecorded(st)
	if err != nil {
		return e.errorf("%v", err)
	}
	var remove []string
	for _, f := range filters {
		n := 0
		for _, a := range r.addrs() {
			if spec.Instance(f, a) {
				remove = append(remove, a)
				n++
			}
		}
		if n == 0 {
			return e.errorf("%s is not in the state, so nothing was removed: run 'pixform state list' to see the addresses it holds.", f)
		}
	}
	done := map[string]bool{}
	for _, a := range remove {
		if done[a] {
			continue
		}
		done[a] = true
		if err := store.Forget(a); err != nil {
			return e.errorf("%v", err)
		}
		out := r.lock[a].Output
		if sa := st.Assets[a]; sa != nil {
			out = sa.Output
		}
		if out != "" {
			fmt.Fprintf(e.stdout, "Removed %s (its file %s is kept)\n", a, out)
		} else {
			fmt.Fprintf(e.stdout, "Removed %s\n", a)
		}
	}
	fmt.Fprintf(e.stdout, "\nForgot %d image(s). Their files stay on disk: 'pixform import ADDR FILE' adopts a file again; otherwise the next apply generates the image anew.\n", len(done))
	return ExitOK
}
