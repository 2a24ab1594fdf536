package cli

import (
	"errors"
	"path/filepath"

	"github.com/pixform/pixform/derive"
	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// measureCheck measures the output rel against c: the violations, or an
// error when the file cannot be read as an image.
func (e *env) measureCheck(rel string, c *spec.Check) (derive.Violations, error) {
	f, err := e.fs.Open(filepath.Join(e.dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := derive.Measure(f)
	if err != nil {
		return nil, err
	}
	return executor.CheckOf(c).Evaluate(m), nil
}

// checkWarnings are the plan's words for outputs it keeps that fail their
// check block: apply does not make them again, so the check needs a fix or
// a -replace.
func (e *env) checkWarnings(p *planner.Plan) []string {
	var out []string
	for _, ch := range p.Changes {
		a := ch.Asset
		if a == nil || a.Check == nil || ch.Action != planner.NoOp {
			continue
		}
		vs, err := e.measureCheck(a.Output, a.Check)
		if err == nil && len(vs) > 0 {
			out = append(out, a.Addr+": "+vs.Error()+"; fix the check, or -replace it")
		}
	}
	return out
}

// verifyChecks measures the outputs the lockfile records whose spec block
// has a check, and that match the lockfile otherwise. A spec that does not
// load checks nothing: verify is about the lockfile first.
func (e *env) verifyChecks(lock *state.Lock, bad []mismatch) []mismatch {
	sp, diags := spec.Load(e.fs, e.dir, spec.LoadOptions{Env: e.getenv})
	if diags.HasErrors() || sp == nil {
		return nil
	}
	flagged := map[string]bool{}
	for _, m := range bad {
		flagged[m.Addr] = true
	}
	var out []mismatch
	for _, img := range lock.Images {
		a := sp.Asset(img.Addr)
		if a == nil || a.Check == nil || flagged[img.Addr] || a.Output != img.Output {
			continue
		}
		if executor.CheckOf(a.Check).Validate() != nil {
			continue // plan says what is wrong with the check
		}
		vs, err := e.measureCheck(img.Output, a.Check)
		var se *derive.SourceError
		if err != nil && !errors.As(err, &se) {
			continue // unreadable: verifyImage said so
		}
		if len(vs) > 0 {
			out = append(out, mismatch{Addr: img.Addr, Output: img.Output, Problem: "check_failed", Detail: vs.Error()})
		}
	}
	return out
}
