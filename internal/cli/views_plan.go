package cli

import (
	"fmt"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/state"
)

// planView is what plan reports besides errors: the plan, and where it
// was saved (plan -out).
type planView interface {
	view
	// Plan reports a plan and the tasks an earlier apply left behind in st.
	Plan(p *planner.Plan, st *state.State)
	// Saved says that the plan was saved to the file name.
	Saved(name string)
}

var (
	_ planView = (*humanView)(nil)
	_ planView = (*jsonView)(nil)
)

// Plan prints one block per change with its reasons, a closing summary,
// and what an earlier apply left in flight.
func (v *humanView) Plan(p *planner.Plan, st *state.State) {
	writePlan(v.e.stdout, v.e.painter(), p)
	writeUnpicked(v.e.stdout, p)
	v.pending(st)
}

// Plan reports one object per change, the counts, and a warning per task
// an earlier apply left behind.
func (v *jsonView) Plan(p *planner.Plan, st *state.State) {
	v.j.plan(p)
	v.pending(st)
}

func (v *humanView) Saved(name string) {
	fmt.Fprintf(v.e.stdout, "\nSaved the plan to: %s\n\nTo perform exactly these actions, run:\n  pixform apply %s\n", name, name)
}

func (v *jsonView) Saved(string) {}

// pendingNotes tells, by address, what is known of the submissions an
// earlier apply left unfinished without a task in flight, and counts the
// tasks in flight.
func pendingNotes(st *state.State) (inFlight int, notes map[string]string) {
	notes = map[string]string{}
	for addr, p := range st.Pending {
		switch {
		case p.TaskID != "":
			inFlight++
		case p.Ambiguous:
			notes[addr] = fmt.Sprintf("an earlier apply gave up on it after the answers to its submissions were lost: the service may have accepted (and charged for) them; apply submits it again only with -replace=%s or -resubmit-ambiguous", addr)
		case !p.Unsent: // an unsent one waited out a 429: nothing was accepted
			notes[addr] = "an apply stopped while submitting it; the service may have accepted (and charged for) that submission unrecorded"
		}
	}
	return inFlight, notes
}

// pending tells the user about tasks an earlier apply left in flight,
// and about submissions it may or may not have paid for.
func (v *humanView) pending(st *state.State) {
	inFlight, notes := pendingNotes(st)
	w := v.e.stdout
	if inFlight > 0 {
		fmt.Fprintf(w, "\n%d image(s) have tasks in flight from an earlier apply; apply resumes them without paying again.\n", inFlight)
	} else if len(notes) > 0 {
		fmt.Fprintln(w)
	}
	for _, addr := range sortedAddrs(st.Pending) {
		if msg := notes[addr]; msg != "" {
			fmt.Fprintf(w, "  %s: %s.\n", addr, msg)
		}
	}
}

func (v *jsonView) pending(st *state.State) {
	_, notes := pendingNotes(st)
	for _, addr := range sortedAddrs(st.Pending) {
		if st.Pending[addr].TaskID != "" {
			v.j.warn(addr, "a task from an earlier apply is in flight; apply resumes it without paying again")
		} else if msg := notes[addr]; msg != "" {
			v.j.warn(addr, msg)
		}
	}
}
