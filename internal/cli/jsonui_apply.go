package cli

import (
	"fmt"
	"time"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
)

// The -json output of an apply: one hook object per executor event, then
// what was done by action and the closing summary (see jsonUI).

// jsonReporter feeds the events of an apply to jsonUI: one hook object
// per event, and the closing summary.
type jsonReporter struct {
	e     *env
	j     *jsonUI
	sites map[string]string // address -> "file:line" of its image block
}

// newJSONReporter reports an apply of pl, telling j each change's action.
func newJSONReporter(e *env, j *jsonUI, pl *planner.Plan) *jsonReporter {
	j.mu.Lock()
	for _, ch := range pl.Changes {
		j.actions[ch.Addr] = ch.Action
	}
	j.mu.Unlock()
	return &jsonReporter{e: e, j: j, sites: planSites(e.dir, pl)}
}

func (r *jsonReporter) event(ev executor.Event) { r.j.event(ev, r.sites[ev.Addr]) }

func (r *jsonReporter) summary(s executor.Summary) {
	r.j.summary(s, r.e.interrupted(), func(addr string) string { return r.sites[addr] })
}

// event reports one apply event as a hook.
func (j *jsonUI) event(ev executor.Event, site string) {
	j.mu.Lock()
	action := j.actions[ev.Addr]
	switch ev.Kind {
	case executor.EventDone:
		if action == planner.Replace {
			j.done.Replace++
		} else if action == planner.Derive {
			j.done.Derive++
		} else {
			j.done.Create++
		}
	case executor.EventMoved:
		j.done.Move++
	case executor.EventDeleted:
		j.done.Delete++
	case executor.EventForgotten:
		j.done.Forget++
	case executor.EventRestored:
		j.done.Restore++
	}
	j.mu.Unlock()
	hook := map[string]any{"resource": map[string]any{"addr": ev.Addr}, "action": string(action)}
	if ev.TaskID != "" {
		hook["task_id"] = ev.TaskID
	}
	if site != "" {
		hook["site"] = site
	}
	level, typ, msg := "info", "", ""
	switch ev.Kind {
	case executor.EventStart:
		typ, msg = "apply_start", ev.Addr+": generating..."
	case executor.EventSubmitted:
		typ, msg = "task_submitted", fmt.Sprintf("%s: submitted (task %s)", ev.Addr, ev.TaskID)
	case executor.EventResumed:
		typ, msg = "task_submitted", ev.Addr+": "+ev.Message
		hook["resumed"] = true
	case executor.EventStatus:
		typ, msg = "apply_progress", ev.Addr+": "+ev.Status
		hook["status"] = ev.Status
	case executor.EventDownload:
		typ, msg = "apply_progress", ev.Addr+": downloading"
		hook["status"] = "downloading"
	case executor.EventDone:
		typ, msg = "apply_complete", fmt.Sprintf("%s: done after %s (%s credits)", ev.Addr, ev.Elapsed.Round(100*time.Millisecond), credits(ev.Consumed))
		hook["consumed"], hook["elapsed_seconds"] = ev.Consumed, ev.Elapsed.Seconds()
	case executor.EventMoved:
		typ, msg = "apply_complete", ev.Addr+": moved: "+ev.Message
		hook["action"] = "move"
	case executor.EventDeleted:
		typ, msg = "apply_complete", ev.Addr+": deleted "+ev.Message
		hook["action"] = "delete"
	case executor.EventForgotten:
		typ, msg = "apply_complete", ev.Addr+": forgotten ("+ev.Message+")"
		hook["action"] = "forget"
	case executor.EventRestored:
		typ, msg = "apply_complete", ev.Addr+": "+ev.Message
		hook["action"] = "restore"
	case executor.EventFailed:
		level, typ, msg = "error", "apply_errored", ev.Addr+": failed: "+ev.Message
		hook["error"] = ev.Message
	case executor.EventSkipped:
		level, typ, msg = "warn", "apply_skipped", ev.Addr+": "+ev.Message
		hook["reason"] = ev.Message
	case executor.EventWarning:
		j.emit("warn", "diagnostic", "Warning: "+ev.Addr+": "+ev.Message, ev.Time, map[string]any{
			"diagnostic": map[string]any{"severity": "warning", "summary": ev.Message, "detail": "", "address": ev.Addr},
		})
		return
	default:
		typ, msg = "apply_progress", ev.Addr+": "+string(ev.Kind)
	}
	j.emit(level, typ, msg, ev.Time, map[string]any{"hook": hook})
}

// summary closes an apply: what was done by action, then the totals.
func (j *jsonUI) summary(s executor.Summary, interrupted bool, sites func(string) string) {
	j.mu.Lock()
	d := j.done
	j.mu.Unlock()
	how := "complete"
	if interrupted {
		how = "interrupted"
	}
	j.emit("info", "change_summary",
		fmt.Sprintf("Apply %s! Images: %d generated, %d regenerated, %d moved, %d deleted%s.", how, d.Create, d.Replace, d.Move, d.Delete, forgotten(d.Forget)),
		time.Time{}, map[string]any{
			"changes": changeCounts(d, "apply"),
			"cost":    s.Consumed,
		})
	failures := []map[string]any{}
	for _, f := range s.Failures {
		fj := map[string]any{"addr": f.Addr, "error": f.Err.Error()}
		if site := sites(f.Addr); site != "" {
			fj["site"] = site
		}
		failures = append(failures, fj)
	}
	var unrecorded []map[string]any // omitted when there are none
	for _, k := range s.Unrecorded {
		unrecorded = append(unrecorded, map[string]any{"addr": k.Addr, "task_id": k.TaskID, "resume_flag": k.ResumeFlag(), "error": k.Err.Error()})
		msg := fmt.Sprintf("task %s was accepted but could not be recorded (%v) and its image did not land: resume it without paying again with apply %s", k.TaskID, k.Err, k.ResumeFlag())
		j.emit("warn", "diagnostic", "Warning: "+k.Addr+": "+msg, time.Time{}, map[string]any{
			"diagnostic": map[string]any{"severity": "warning", "summary": msg, "detail": "", "address": k.Addr},
		})
	}
	level := "info"
	if s.Failed > 0 || s.Stopped || interrupted {
		level = "error"
	}
	sj := map[string]any{
		"generated": s.Generated, "failed": s.Failed, "skipped": s.Skipped, "moved": s.Moved, "deleted": s.Deleted, "forgotten": s.Forgotten,
		"credits": s.Consumed, "duration_seconds": s.Duration.Seconds(), "stopped": s.Stopped || interrupted,
		"interrupted": interrupted, "failures": failures,
	}
	if len(unrecorded) > 0 {
		sj["unrecorded_tasks"] = unrecorded
	}
	if s.Derived > 0 { // named only when there are some, as a plan's derive count
		sj["derived"] = s.Derived
	}
	j.emit(level, "summary", summaryLine(s, interrupted), time.Time{}, map[string]any{"summary": sj})
}
