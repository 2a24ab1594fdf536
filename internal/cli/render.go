package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
)

// ANSI SGR codes of the plan's colors.
const (
	colorBold    = "1"
	colorAdded   = "32" // green: create, added words
	colorChanged = "33" // yellow: replace, warnings
	colorMoved   = "36" // cyan: move
	colorRemoved = "31" // red: delete, removed words
)

// painter colors text when on, and leaves it alone otherwise.
type painter struct{ on bool }

func (p painter) paint(code, s string) string {
	if !p.on || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// painter returns how the human view colors stdout: only on a terminal,
// and never with -no-color or NO_COLOR; forceColor turns it on for tests.
// (The JSON view paints nothing.)
func (e *env) painter() painter {
	return painter{on: e.forceColor || (!e.noColor && e.isTerminal(e.stdout))}
}

// writePlan renders a plan for a reviewer: Terraform's symbols and colors,
// the reasons of every change, a word diff of each changed prompt, and the
// counts and estimated cost.
func writePlan(w io.Writer, pt painter, p *planner.Plan) {
	for _, msg := range p.Warnings {
		fmt.Fprintf(w, "%s %s\n\n", pt.paint(colorChanged, "Warning:"), msg)
	}
	if !p.HasChanges() {
		writeDrift(w, pt, p)
		fmt.Fprintln(w, "No changes. Your images match the spec.")
		return
	}
	fmt.Fprintln(w, "pixform will perform the following actions:")
	for i := range p.Changes {
		if ch := &p.Changes[i]; ch.Action != planner.NoOp || ch.MovedFrom != "" {
			writeChange(w, pt, ch)
		}
	}
	fmt.Fprintln(w)
	writeDrift(w, pt, p)
	c := p.Counts()
	fmt.Fprintf(w, "%s %d to generate, %d to regenerate, %d to move, %d to delete%s%s. Estimated cost: %s credits.\n",
		pt.paint(colorBold, "Plan:"), c.Create, c.Replace, c.Move, c.Delete, forgets(c), derives(c), credits(p.Cost))
}

// forgets names the records a plan drops while keeping their files, as
// Terraform names its forgets, and the images restored from the store:
// only when there are some.
func forgets(c planner.Counts) string {
	out := ""
	if c.Forget > 0 {
		out = fmt.Sprintf(", %d to forget", c.Forget)
	}
	if c.Restore > 0 { // the store's copies: free, so named only when there are some
		out += fmt.Sprintf(", %d to restore", c.Restore)
	}
	if c.AddCandidates > 0 {
		out += fmt.Sprintf(", %d to add candidates to", c.AddCandidates)
	}
	return out
}

// writeChange renders one change:
//
//	# image.logo will be regenerated
//	-/+ image.logo (web/logo.png)
//	    reason: prompt changed
//	    - prompt: "old"
//	    + prompt: "new"
//	      words: old{+ new+}
func writeChange(w io.Writer, pt painter, ch *planner.Change) {
	sym, verb, code := symbol(ch.Action)
	header := fmt.Sprintf("# %s will be %s", ch.Addr, verb)
	if ch.Action == planner.NoOp {
		header = fmt.Sprintf("# %s has moved to %s", ch.MovedFrom, ch.Addr)
		sym, code = "->", colorMoved
	}
	fmt.Fprintf(w, "\n  %s\n", pt.paint(colorBold, header))
	out := ""
	switch {
	case ch.Asset != nil:
		out = ch.Asset.Output
	case ch.Prior != nil:
		out = ch.Prior.Output
	}
	fmt.Fprintf(w, "  %s %s (%s)\n", pt.paint(code, sym), ch.Addr, out)
	for _, r := range reasonTexts(ch) {
		fmt.Fprintf(w, "      reason: %s\n", r)
	}
	if ch.Action == planner.Derive {
		writeDerive(w, ch)
	}
	if !(ch.Action.Pays() || ch.Candidates > 0) || ch.Asset == nil {
		return
	}
	if ch.Candidates > 0 {
		fmt.Fprintf(w, "      candidates: %d new (variants = %d)\n", ch.Candidates, planner.Variants(ch.Asset))
	}
	a := ch.Asset
	before := ""
	if ch.Prior != nil && !ch.Prior.Sensitive { // a prompt that was sensitive is not shown as the one before
		before = ch.Prior.Prompt
	}
	switch {
	case a.Sensitive: // no text, and no word diff that would show it
		fmt.Fprintf(w, "      prompt: %s\n", redacted)
	case ch.Action == planner.Replace && before != "" && before != a.Prompt: // long prompts cut (longprompt.go)
		fmt.Fprintf(w, "      %s\n", pt.paint(colorRemoved, "- prompt: "+quotedShort(before)))
		fmt.Fprintf(w, "      %s\n", pt.paint(colorAdded, "+ prompt: "+quotedShort(a.Prompt)))
		fmt.Fprintf(w, "        words: %s\n", oneLine(renderWordDiff(pt, shortDiff(wordDiff(before, a.Prompt)))))
	default:
		fmt.Fprintf(w, "      prompt: %s\n", quotedShort(a.Prompt))
	}
	if a.Provider == spec.ProviderOffline {
		fmt.Fprintf(w, "      model:  offline placeholder, no credits\n")
	} else {
		fmt.Fprintf(w, "      model:  %s, about %s credits\n", a.Model, credits(ch.Cost))
	}
}

// writeDrift warns about outputs edited by hand that the plan keeps.
func writeDrift(w io.Writer, pt painter, p *planner.Plan) {
	for _, ch := range p.Changes {
		if ch.Drift && ch.Action == planner.NoOp {
			fmt.Fprintf(w, "%s %s: %s\n\n", pt.paint(colorChanged, "Warning:"), ch.Addr, strings.Join(reasonTexts(&ch), "; "))
		}
	}
}

// symbol returns the plan symbol, the verb and the color of an action.
func symbol(a planner.Action) (sym, verb, color string) {
	switch a {
	case planner.Create:
		return "+", "generated", colorAdded
	case planner.Replace:
		return "-/+", "regenerated", colorChanged
	case planner.Move:
		return "->", "moved", colorMoved
	case planner.Delete:
		return "-", "deleted", colorRemoved
	case planner.Forget:
		return ".", "forgotten (its file is not deleted)", colorRemoved
	case planner.Restore:
		return "<", "restored from the store (no credits)", colorMoved
	case planner.AddCandidates:
		return "+", "given more candidates (its output is kept)", colorAdded
	case planner.Derive:
		return "*", "derived", colorAdded
	default:
		return " ", "updated in state", "0"
	}
}

// credits formats an amount of credits with one or two decimals: 2.0, 0.25.
func credits(x float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(x, 'f', 2, 64), "0")
}

// oneLine keeps a prompt with line breaks on one line of the plan.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\t", `\t`).Replace(s)
}
