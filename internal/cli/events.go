package cli

import (
	"fmt"

	"github.com/pixform/pixform/executor"
)

// eventPrinter prints one plain line per apply event.
type eventPrinter struct {
	e *env
}

func newEventPrinter(e *env) *eventPrinter { return &eventPrinter{e: e} }

func (p *eventPrinter) event(ev executor.Event) {
	w := p.e.stdout
	switch ev.Kind {
	case executor.EventStart:
		fmt.Fprintf(w, "%s: generating...\n", ev.Addr)
	case executor.EventSubmitted:
		fmt.Fprintf(w, "%s: submitted (task %s)\n", ev.Addr, ev.TaskID)
	case executor.EventResumed:
		fmt.Fprintf(w, "%s: %s\n", ev.Addr, ev.Message)
	case executor.EventStatus:
		fmt.Fprintf(w, "%s: %s\n", ev.Addr, ev.Status)
	case executor.EventDownload:
		fmt.Fprintf(w, "%s: downloading\n", ev.Addr)
	case executor.EventDone:
		fmt.Fprintf(w, "%s: %s after %s (%.2f credits)\n", ev.Addr, p.e.color("32", "done"), ev.Elapsed.Round(100_000_000), ev.Consumed)
	case executor.EventFailed:
		fmt.Fprintf(w, "%s: %s: %s\n", ev.Addr, p.e.color("31", "failed"), ev.Message)
	case executor.EventSkipped:
		fmt.Fprintf(w, "%s: %s\n", ev.Addr, ev.Message)
	case executor.EventMoved:
		fmt.Fprintf(w, "%s: moved: %s\n", ev.Addr, ev.Message)
	case executor.EventDeleted:
		fmt.Fprintf(w, "%s: deleted %s\n", ev.Addr, ev.Message)
	case executor.EventWarning:
		fmt.Fprintf(w, "%s: %s %s\n", ev.Addr, p.e.color("33", "warning:"), ev.Message)
	}
}

func (p *eventPrinter) summary(s executor.Summary) {
	w := p.e.stdout
	fmt.Fprintf(w, "\nApply complete: %d generated, %d failed, %d skipped, %d moved, %d deleted. Credits consumed: %.2f. Time: %s.\n",
		s.Generated, s.Failed, s.Skipped, s.Moved, s.Deleted, s.Consumed, s.Duration.Round(10_000_000))
	if s.Stopped {
		fmt.Fprintln(w, "Apply stopped before the end: run 'pixform apply' again to resume; recorded tasks are not paid for twice.")
	}
	for _, f := range s.Failures {
		fmt.Fprintf(w, "  %s: %v\n", f.Addr, f.Err)
	}
	if s.Failed > 0 {
		fmt.Fprintln(w, "Run 'pixform apply' again to retry what failed; finished images are kept.")
	}
}
