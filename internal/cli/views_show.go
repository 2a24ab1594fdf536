package cli

import (
	"fmt"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/state"
)

// showView is what show reports: the state, or a saved plan as plan
// reports it.
type showView interface {
	view
	Plan(p *planner.Plan, st *state.State)
	// State reports st, with the prompts of the sensitive addresses
	// redacted; locked is how many images the lockfile records (a fresh
	// clone has them but no state).
	State(st *state.State, sensitive map[string]bool, locked int)
}

var (
	_ showView = (*humanView)(nil)
	_ showView = (*jsonView)(nil)
)

// State prints one block per image, then what an earlier apply left in
// flight.
func (v *humanView) State(st *state.State, sensitive map[string]bool, locked int) {
	w := v.e.stdout
	if len(st.Assets) == 0 && len(st.Pending) == 0 {
		if locked > 0 { // a fresh clone
			fmt.Fprintf(w, "The state is empty: no apply ran in this copy of the project, but %s records %d image(s). "+
				"'pixform state show ADDR' shows one; 'pixform plan' compares them with the spec.\n", state.LockfileName, locked)
			return
		}
		fmt.Fprintln(w, "The state is empty: no image was generated here yet. Run 'pixform apply'.")
		return
	}
	for _, addr := range sortedAddrs(st.Assets) {
		a := st.Assets[addr]
		fmt.Fprintf(w, "# %s\n", addr)
		fmt.Fprintf(w, "  output       = %q\n  sha256       = %q\n  model        = %q\n  prompt       = %s\n",
			a.Output, a.SHA256, a.Model, shortPrompt(a.Prompt, sensitive[addr]))
		if a.TaskID != "" {
			fmt.Fprintf(w, "  task_id      = %q\n  consumed     = %.2f\n", a.TaskID, a.Consumed)
		}
		if !a.GeneratedAt.IsZero() {
			fmt.Fprintf(w, "  generated_at = %q\n", a.GeneratedAt.Format("2006-01-02T15:04:05Z07:00"))
		}
		fmt.Fprintln(w)
	}
	v.pending(st)
}

// State reports the state as one "state" object.
func (v *jsonView) State(st *state.State, sensitive map[string]bool, _ int) {
	v.j.state(st, sensitive)
}
