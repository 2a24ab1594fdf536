package cli

import (
	"fmt"
	"strings"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/state"
)

// renderPlan prints a plan for people: one block per change with its
// reasons, then a closing summary line.
func (e *env) renderPlan(p *planner.Plan, st *state.State) {
	w := e.stdout
	if !p.HasChanges() {
		e.renderDrift(p)
		fmt.Fprintln(w, "No changes. Your images match the spec.")
		e.pendingNote(st)
		return
	}
	fmt.Fprintln(w, "pixform will perform the following actions:")
	for _, ch := range p.Changes {
		if ch.Action == planner.NoOp && ch.MovedFrom == "" {
			continue
		}
		sym, verb, code := symbol(ch.Action)
		fmt.Fprintf(w, "\n  %s\n", e.color("1", fmt.Sprintf("# %s will be %s", ch.Addr, verb)))
		out := ""
		if ch.Asset != nil {
			out = ch.Asset.Output
		} else if ch.Prior != nil {
			out = ch.Prior.Output
		}
		fmt.Fprintf(w, "  %s %s (%s)\n", e.color(code, sym), ch.Addr, out)
		for _, r := range ch.Reasons {
			fmt.Fprintf(w, "      reason: %s\n", r)
		}
		if ch.Action == planner.Replace && ch.Prior != nil && ch.Prior.Prompt != "" && ch.Asset != nil && ch.Prior.Prompt != ch.Asset.Prompt {
			fmt.Fprintf(w, "      %s\n", e.color("31", "- prompt: "+quote(ch.Prior.Prompt)))
			fmt.Fprintf(w, "      %s\n", e.color("32", "+ prompt: "+quote(ch.Asset.Prompt)))
		}
	}
	e.renderDrift(p)
	c := p.Counts()
	fmt.Fprintf(w, "\nPlan: %d to generate, %d to regenerate, %d to move, %d to delete. Estimated cost: %.1f credits.\n",
		c.Create, c.Replace, c.Move, c.Delete, p.Cost)
	e.pendingNote(st)
}

func (e *env) renderDrift(p *planner.Plan) {
	for _, ch := range p.Changes {
		if ch.Drift && ch.Action == planner.NoOp {
			fmt.Fprintf(e.stdout, "%s %s: %s\n\n", e.color("33", "Warning:"), ch.Addr, strings.Join(ch.Reasons, "; "))
		}
	}
}

// symbol returns the plan symbol, the verb and the color of an action.
func symbol(a planner.Action) (sym, verb, color string) {
	switch a {
	case planner.Create:
		return "+", "generated", "32"
	case planner.Replace:
		return "-/+", "regenerated", "33"
	case planner.Move:
		return "->", "moved", "36"
	case planner.Delete:
		return "-", "deleted", "31"
	default:
		return " ", "updated in state", "0"
	}
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
