package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/provider/defapi"
)

// eventPrinter reports an apply for people: one plain line per event.
// Failures name the image and where its block is (site.pix.hcl:12), known
// from the plan given to forPlan.
type eventPrinter struct {
	e     *env
	pt    painter
	sites map[string]string // address -> "file:line" of its image block
}

func newEventPrinter(e *env) *eventPrinter {
	return &eventPrinter{e: e, pt: e.painter(), sites: map[string]string{}}
}

// forPlan learns the image blocks of the plan being applied, so that
// failures say where they come from.
func (p *eventPrinter) forPlan(pl *planner.Plan) *eventPrinter {
	p.sites = planSites(p.e.dir, pl)
	return p
}

// planSites maps each generated address to "file:line" of its block.
func planSites(dir string, pl *planner.Plan) map[string]string {
	sites := map[string]string{}
	for _, ch := range pl.Changes {
		if a := ch.Asset; a != nil && a.DeclRange.Filename != "" {
			sites[ch.Addr] = fmt.Sprintf("%s:%d", relName(dir, a.DeclRange.Filename), a.DeclRange.Start.Line)
		}
	}
	return sites
}

// named is "image.x (site.pix.hcl:12)", or the address alone.
func (p *eventPrinter) named(addr string) string {
	if s := p.sites[addr]; s != "" {
		return addr + " (" + s + ")"
	}
	return addr
}

func (p *eventPrinter) event(ev executor.Event) {
	w, pt := p.e.stdout, p.pt
	switch ev.Kind {
	case executor.EventStart:
		fmt.Fprintf(w, "%s: %s...\n", ev.Addr, startVerb(ev.Addr))
	case executor.EventSubmitted:
		fmt.Fprintf(w, "%s: submitted (task %s)\n", ev.Addr, ev.TaskID)
	case executor.EventResumed:
		fmt.Fprintf(w, "%s: %s\n", ev.Addr, ev.Message)
	case executor.EventStatus:
		fmt.Fprintf(w, "%s: %s\n", ev.Addr, ev.Status)
	case executor.EventDownload:
		fmt.Fprintf(w, "%s: downloading\n", ev.Addr)
	case executor.EventDone:
		fmt.Fprintf(w, "%s: %s after %s (%s credits)\n", ev.Addr, pt.paint(colorAdded, "done"), ev.Elapsed.Round(100*time.Millisecond), credits(ev.Consumed))
	case executor.EventFailed:
		fmt.Fprintf(w, "%s: %s: %s\n", p.named(ev.Addr), pt.paint(colorRemoved, "failed"), ev.Message)
	case executor.EventSkipped:
		fmt.Fprintf(w, "%s: %s\n", ev.Addr, ev.Message)
	case executor.EventMoved:
		fmt.Fprintf(w, "%s: moved: %s\n", ev.Addr, ev.Message)
	case executor.EventDeleted:
		fmt.Fprintf(w, "%s: deleted %s\n", ev.Addr, ev.Message)
	case executor.EventForgotten:
		fmt.Fprintf(w, "%s: forgotten (%s)\n", ev.Addr, ev.Message)
	case executor.EventRestored:
		fmt.Fprintf(w, "%s: %s\n", ev.Addr, ev.Message)
	case executor.EventWarning:
		fmt.Fprintf(w, "%s: %s %s\n", ev.Addr, pt.paint(colorChanged, "warning:"), ev.Message)
	}
}

func (p *eventPrinter) summary(s executor.Summary) {
	interrupted := p.e.interrupted()
	writeSummary(p.e.stdout, p.pt, s, interrupted, p.sites)
	writeUnrecorded(p.e.stdout, p.pt, s.Unrecorded)
	if budgetStopped(p.e.ctx, s, p.e.maxCredits) {
		fmt.Fprintf(p.e.stdout, "The budget -max-credits=%s stopped this apply (%s credits consumed): images not yet submitted are left for the next apply.\n",
			credits(p.e.maxCredits), credits(s.Consumed))
	}
}

// interrupted reports whether a Ctrl-C or SIGTERM (Main) cut the command
// short.
func (e *env) interrupted() bool { return e.ctx != nil && e.ctx.Err() != nil }

// budgetStopped reports whether -max-credits stopped the apply: it
// stopped early, neither interrupted nor because the key was refused.
func budgetStopped(ctx context.Context, s executor.Summary, budget float64) bool {
	if !s.Stopped || budget <= 0 || (ctx != nil && ctx.Err() != nil) {
		return false
	}
	for _, f := range s.Failures {
		if k := provider.KindOf(f.Err); k == provider.KindAuth || k == provider.KindAccount {
			return false
		}
	}
	return true
}

// summaryLine is the closing line of an apply; interrupted says that a
// Ctrl-C (or SIGTERM) cut it short.
func summaryLine(s executor.Summary, interrupted bool) string {
	how := "complete"
	if interrupted {
		how = "interrupted"
	}
	forgot := forgotten(s.Forgotten)
	if s.Restored > 0 { // named only when there are some, as forgotten
		forgot += fmt.Sprintf(", %d restored", s.Restored)
	}
	return fmt.Sprintf("Apply %s: %d generated%s, %d failed, %d skipped, %d moved, %d deleted%s. Credits consumed: %s. Time: %s.",
		how, s.Generated, derived(s.Derived), s.Failed, s.Skipped, s.Moved, s.Deleted, forgot, credits(s.Consumed), s.Duration.Round(10*time.Millisecond))
}

// forgotten is ", N forgotten" for an apply's closing line, named only
// when there are some (as plan's "to forget").
func forgotten(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d forgotten", n)
}

// writeSummary closes an apply for people: the counts, why it stopped, and
// each failure with the image, where its block is, what happened and what
// to do. sites maps addresses to "file:line"; it may be nil.
func writeSummary(w io.Writer, pt painter, s executor.Summary, interrupted bool, sites map[string]string) {
	fmt.Fprintf(w, "\n%s\n", summaryLine(s, interrupted))
	switch {
	case interrupted:
		fmt.Fprintln(w, "Apply interrupted before the end: run 'pixform apply' again to resume. It waits for the tasks already submitted "+
			"(recorded, so not paid for twice), downloads what they made, and submits the images not submitted yet.")
	case s.Stopped:
		fmt.Fprintln(w, "Apply stopped before the end: run 'pixform apply' again to resume; recorded tasks are not paid for twice.")
	}
	if len(s.Failures) == 0 {
		return
	}
	fmt.Fprintln(w)
	hints := map[string]bool{}
	for _, f := range s.Failures {
		name := f.Addr
		if site := sites[f.Addr]; site != "" {
			name += " (" + site + ")"
		}
		fmt.Fprintf(w, "%s %s: %s\n", pt.paint(colorRemoved, "Error:"), name, describeFailure(f.Err))
		hints[failureHint(f.Err)] = true
	}
	var list []string
	for h := range hints {
		list = append(list, h)
	}
	sort.Strings(list)
	fmt.Fprintf(w, "\n%s\n", strings.Join(list, "\n"))
}

// describeFailure is what happened to a failed image, in a line: the
// service's own words for a refused key or request, else the error.
func describeFailure(err error) string {
	var pe *provider.Error
	if !errors.As(err, &pe) {
		return err.Error()
	}
	said := pe.Message
	if pe.Detail != "" {
		said = pe.Detail
	}
	status := ""
	if pe.Status != 0 {
		status = fmt.Sprintf(" (HTTP %d: %s)", pe.Status, said)
	}
	switch {
	case pe.Kind == provider.KindAuth && pe.Status != 0:
		return fmt.Sprintf("the service refused the API key (HTTP %d)", pe.Status)
	case pe.Kind == provider.KindAccount:
		if pe.Status != 0 && pe.Status != 200 {
			said += fmt.Sprintf(" (HTTP %d)", pe.Status)
		}
		return "the service refused the account, not the request: " + said
	case pe.Kind == provider.KindBadRequest && pe.Op == "submit":
		return "the service refused the request as invalid" + status
	}
	return err.Error()
}

// failureHint says what to do about a failed image, by the kind of failure.
func failureHint(err error) string {
	var (
		stale      *executor.StaleError
		text       *executor.TextAnswerError
		failedTask *executor.TaskFailedError
		check      *executor.CheckError
	)
	switch {
	case provider.KindOf(err) == provider.KindAccount:
		return "The service refused the account, not the spec: top up its balance or enable it with the provider, then run 'pixform apply' again; the spec needs no change and finished images are kept."
	case provider.KindOf(err) == provider.KindAuth:
		return "The API key was refused: set a valid key in " + defapi.KeyEnv + ", then run 'pixform apply' again; finished images are kept."
	case errors.Is(err, executor.ErrAmbiguous):
		return "The answers to an image's submissions were lost: the service may have charged for them. Check the service's task list; to submit it again, run 'pixform apply -replace=ADDR' (or -resubmit-ambiguous for every such image)."
	case provider.KindOf(err) == provider.KindBadRequest:
		return "The service refused a request as invalid: fix the image block named above as its message says, then run 'pixform apply' again."
	case errors.As(err, &stale):
		return "What an image would be generated from changed since the plan (a reference file edited meanwhile?): run 'pixform plan' again to see it, then apply."
	case errors.As(err, &text):
		return "The model answered in words instead of an image: ask for an image more plainly in the prompt, or try another model, then run 'pixform apply' again."
	case errors.As(err, &failedTask):
		return "A task failed on the service: run 'pixform apply' again to retry it, or change the prompt if it keeps failing; finished images are kept."
	case errors.As(err, &check):
		return "An output fails its check block: it is kept and recorded, and apply will not make it again by itself. Fix the check, or change the block and run 'pixform apply -replace=ADDR' to make it again."
	default:
		return "Run 'pixform apply' again to retry what failed; finished images are kept."
	}
}
