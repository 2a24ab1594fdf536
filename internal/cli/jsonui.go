package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// Version is pixform's version, as -json reports it.
const Version = "0.1.0"

// jsonUIVersion is the version of the machine-readable output below.
const jsonUIVersion = "1.0"

// jsonUI writes pixform's machine-readable output, in the spirit of
// Terraform's: one JSON object per line, each with "@level", "@message",
// "@module", "@timestamp" (RFC 3339) and "type", plus a payload named by
// the type:
//
//	version         {"pixform":"0.1.0","ui":"1.0"}, always first
//	diagnostic      {"diagnostic":{severity,summary,detail,address,range}}
//	planned_change  {"change":{"resource":{"addr",...},"action",reasons,cost}}
//	resource_drift  {"change":{...}}: an output edited by hand that is kept
//	change_summary  {"changes":{add,change,move,remove,operation},"cost"}
//	apply_start, task_submitted, apply_progress, apply_complete,
//	apply_errored, apply_skipped  {"hook":{"resource",action,task_id,...}}
//	summary         {"summary":{generated,failed,skipped,credits,...}}
//	state           {"state":{...}} (show -json)
//	validate        {"valid",error_count,warning_count,images,files}
//
// Its methods are safe for concurrent use.
type jsonUI struct {
	w   io.Writer
	dir string // paths in ranges are relative to it
	now func() time.Time

	mu      sync.Mutex
	actions map[string]planner.Action // by address, from the plan being applied
	done    planner.Counts            // what apply finished, by action
}

func newJSONUI(w io.Writer, dir string) *jsonUI {
	return &jsonUI{w: w, dir: dir, now: time.Now, actions: map[string]planner.Action{}}
}

// jsonTime is the layout of "@timestamp": RFC 3339 with microseconds.
const jsonTime = "2006-01-02T15:04:05.000000Z07:00"

// emit writes one line. at is the moment it reports; zero means now.
func (j *jsonUI) emit(level, typ, msg string, at time.Time, payload map[string]any) {
	if at.IsZero() {
		at = j.now()
	}
	obj := map[string]any{
		"@level":     level,
		"@message":   msg,
		"@module":    "pixform.ui",
		"@timestamp": at.Format(jsonTime),
		"type":       typ,
	}
	for k, v := range payload {
		obj[k] = v
	}
	line, err := json.Marshal(obj)
	if err != nil { // only plain values go in: this is a bug
		line, _ = json.Marshal(map[string]any{"@level": "error", "@message": "encode " + typ + ": " + err.Error(), "type": "log"})
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.w.Write(append(line, '\n'))
}

func (j *jsonUI) version() {
	j.emit("info", "version", "pixform "+Version, time.Time{}, map[string]any{"pixform": Version, "ui": jsonUIVersion})
}

// errorf reports an error that has no source range.
func (j *jsonUI) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	j.emit("error", "diagnostic", "Error: "+msg, time.Time{}, map[string]any{
		"diagnostic": map[string]any{"severity": "error", "summary": msg, "detail": ""},
	})
}

// warn reports a warning, about addr when it is not empty.
func (j *jsonUI) warn(addr, msg string) {
	d := map[string]any{"severity": "warning", "summary": msg, "detail": ""}
	if addr != "" {
		d["address"] = addr
	}
	j.emit("warn", "diagnostic", "Warning: "+msg, time.Time{}, map[string]any{"diagnostic": d})
}

// diagnostics reports hcl diagnostics with their ranges.
func (j *jsonUI) diagnostics(diags hcl.Diagnostics) {
	for _, d := range diags {
		sev, level, word := "error", "error", "Error"
		if d.Severity == hcl.DiagWarning {
			sev, level, word = "warning", "warn", "Warning"
		}
		out := map[string]any{"severity": sev, "summary": d.Summary, "detail": d.Detail}
		if d.Subject != nil {
			out["range"] = j.rangeJSON(*d.Subject)
		}
		j.emit(level, "diagnostic", word+": "+d.Summary, time.Time{}, map[string]any{"diagnostic": out})
	}
}

func (j *jsonUI) rangeJSON(r hcl.Range) map[string]any {
	pos := func(p hcl.Pos) map[string]int {
		return map[string]int{"line": p.Line, "column": p.Column, "byte": p.Byte}
	}
	return map[string]any{"filename": relName(j.dir, r.Filename), "start": pos(r.Start), "end": pos(r.End)}
}

// relName is filename relative to dir when it lies inside it.
func relName(dir, filename string) string {
	if rel, err := filepath.Rel(dir, filename); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filename
}

func resourceJSON(ch *planner.Change) map[string]any {
	r := map[string]any{"addr": ch.Addr, "resource_type": "image"}
	switch {
	case ch.Asset != nil:
		a := ch.Asset
		r["resource_name"], r["output"], r["provider"], r["model"] = a.Name, a.Output, a.Provider, planner.RecordedModel(a)
		if a.Key != "" {
			r["resource_key"] = a.Key
		}
	case ch.Prior != nil:
		r["output"], r["model"] = ch.Prior.Output, ch.Prior.Model
	}
	return r
}

func changeJSON(ch *planner.Change) map[string]any {
	action := string(ch.Action)
	if ch.Action == planner.NoOp {
		action = "move" // a moved block: only the state follows
	}
	c := map[string]any{"resource": resourceJSON(ch), "action": action, "reasons": reasonTexts(ch), "cost": ch.Cost}
	codes := make([]map[string]any, len(ch.Reasons))
	for i, r := range ch.Reasons {
		codes[i] = reasonJSON(r)
	}
	c["reason_codes"] = codes
	if ch.MovedFrom != "" {
		c["previous_resource"] = map[string]any{"addr": ch.MovedFrom}
	}
	if ch.Asset != nil {
		c["prompt"] = shownPrompt(ch.Asset.Prompt, ch.Asset.Sensitive)
		if ch.Prior != nil && ch.Prior.Prompt != "" && ch.Prior.Prompt != ch.Asset.Prompt {
			c["prompt_before"] = shownPrompt(ch.Prior.Prompt, ch.Asset.Sensitive || ch.Prior.Sensitive)
		}
	}
	return c
}

// plan reports every change of a plan and its counts and cost.
func (j *jsonUI) plan(p *planner.Plan) {
	for _, w := range p.Warnings {
		j.warn("", w)
	}
	for i := range p.Changes {
		ch := &p.Changes[i]
		j.mu.Lock()
		j.actions[ch.Addr] = ch.Action
		j.mu.Unlock()
		switch {
		case ch.Action != planner.NoOp || ch.MovedFrom != "":
			c := changeJSON(ch)
			j.emit("info", "planned_change", fmt.Sprintf("%s: Plan to %s", ch.Addr, c["action"]), time.Time{}, map[string]any{"change": c})
		case ch.Drift:
			j.emit("warn", "resource_drift", ch.Addr+": "+strings.Join(reasonTexts(ch), "; "), time.Time{}, map[string]any{"change": changeJSON(ch)})
		}
	}
	c := p.Counts()
	msg := fmt.Sprintf("Plan: %d to generate, %d to regenerate, %d to move, %d to delete%s%s. Estimated cost: %s credits.",
		c.Create, c.Replace, c.Move, c.Delete, forgets(c), derives(c), credits(p.Cost))
	if !p.HasChanges() {
		msg = "No changes. Your images match the spec."
	}
	j.emit("info", "change_summary", msg, time.Time{}, map[string]any{
		"changes": changeCounts(c, "plan"),
		"cost":    p.Cost,
	})
}

// changeCounts are the counts of a change_summary; forget only when some
// records are forgotten.
func changeCounts(c planner.Counts, operation string) map[string]any {
	m := map[string]any{"add": c.Create, "change": c.Replace, "move": c.Move, "remove": c.Delete, "operation": operation}
	if c.Forget > 0 {
		m["forget"] = c.Forget
	}
	if c.Restore > 0 {
		m["restore"] = c.Restore
	}
	if c.AddCandidates > 0 {
		m["add_candidates"] = c.AddCandidates
	}
	if c.Derive > 0 {
		m["derive"] = c.Derive
	}
	return m
}

// value reports one object of the given type: the state, a validation.
func (j *jsonUI) value(typ, msg string, payload map[string]any) {
	j.emit("info", typ, msg, time.Time{}, payload)
}

// sortedAddrs returns the keys of m in order.
func sortedAddrs[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// validated closes validate -json with whether the spec is valid.
func (j *jsonUI) validated(sp *spec.Spec, ok bool) {
	images, files := 0, 0
	if sp != nil {
		images, files = len(sp.Assets), len(sp.Files)
	}
	msg := fmt.Sprintf("Success! The spec is valid: %d image(s) in %d file(s).", images, files)
	if !ok {
		msg = "The spec is not valid: see the diagnostics above."
	}
	j.emit("info", "validate", msg, time.Time{}, map[string]any{"valid": ok, "images": images, "files": files})
}

// state reports the state as one object: every image and every task in
// flight, sorted by address. The file-hash cache is left out, and the
// prompts of the sensitive addresses are redacted.
func (j *jsonUI) state(st *state.State, sensitive map[string]bool) {
	images := []*state.Asset{}
	for _, addr := range sortedAddrs(st.Assets) {
		a := st.Assets[addr]
		if sensitive[addr] {
			a = redactAsset(a)
		}
		images = append(images, a)
	}
	pending := []*state.Pending{}
	for _, addr := range sortedAddrs(st.Pending) {
		pending = append(pending, st.Pending[addr])
	}
	j.emit("info", "state", fmt.Sprintf("%d image(s), %d task(s) in flight", len(images), len(pending)), time.Time{}, map[string]any{
		"state": map[string]any{
			"version": st.Version, "serial": st.Serial, "lineage": st.Lineage,
			"images": images, "pending": pending, "models": st.Models,
		},
	})
}
