package cli

import (
	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
)

// applyView is what apply reports besides errors: the plan (as plan
// reports it), a state lock taken over, and the run itself through an
// applyReporter.
type applyView interface {
	planView
	// Reporter returns what the executor's events of an apply of p are
	// fed to.
	Reporter(p *planner.Plan, parallelism int) applyReporter
}

// applyReporter shows an apply as it runs: the executor's events one at a
// time, then its summary. The plain printer (events.go), the live display
// on a terminal (progress.go) and the JSON hooks (jsonui_apply.go)
// implement it.
type applyReporter interface {
	event(executor.Event)
	summary(executor.Summary)
}

var (
	_ applyView     = (*humanView)(nil)
	_ applyView     = (*jsonView)(nil)
	_ applyReporter = (*eventPrinter)(nil)
	_ applyReporter = (*progressDisplay)(nil)
	_ applyReporter = (*jsonReporter)(nil)
)

// Reporter is the live display on a terminal when the plan generates
// something, else one plain line per event.
func (v *humanView) Reporter(p *planner.Plan, parallelism int) applyReporter {
	if live, ok := v.e.liveProgress(p, parallelism); ok {
		return live
	}
	return newEventPrinter(v.e).forPlan(p)
}

func (v *jsonView) Reporter(p *planner.Plan, _ int) applyReporter {
	return newJSONReporter(v.e, v.j, p)
}
