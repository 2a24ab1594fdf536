package cli

import (
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"golang.org/x/term"

	"github.com/pixform/pixform/spec"
)

// A view is how a command talks to its user. Every command reports errors
// and diagnostics through the view its arguments chose (useView); the
// commands with -json (validate, plan, apply, show, verify) ask theirs for
// more through one interface each (views_*.go). humanView writes text for
// people, jsonView one JSON object per line (jsonui.go): a command calls
// its view and never asks which one it has.
type view interface {
	// Diagnostics reports spec diagnostics; sp gives the source lines.
	Diagnostics(sp *spec.Spec, diags hcl.Diagnostics)
	// Error reports an error that ends the command.
	Error(err error)
	// TookOver says that the state lock of a dead apply was taken over.
	TookOver(msg string)
}

// views is every command's view: what useView returns, for the command
// to keep as its own interface (planView, applyView, ...).
type views interface {
	planView
	applyView
	showView
	validateView
	verifyView
}

var (
	_ view = (*humanView)(nil)
	_ view = (*jsonView)(nil)
)

// useView chooses the command's view from its -json flag, once: with
// -json the version line goes out first. Until a command calls it, errors
// are written for people.
func (e *env) useView(asJSON bool) views {
	if !asJSON {
		v := &humanView{e: e}
		e.view = v
		return v
	}
	j := newJSONUI(e.stdout, e.dir)
	j.version()
	v := &jsonView{e: e, j: j}
	e.view = v
	return v
}

// humanView writes for people: results on stdout, errors and diagnostics
// on stderr, with hcl's diagnostic writer.
type humanView struct{ e *env }

// jsonView writes one JSON object per line on stdout (jsonUI).
type jsonView struct {
	e *env
	j *jsonUI
}

// noSpecError says that the directory holds no spec.
type noSpecError struct{ dir string }

func (n *noSpecError) Error() string {
	return fmt.Sprintf("no *.pix.hcl files in %s: run 'pixform init' to start a spec here, or use -chdir=DIR to point at one.", n.dir)
}

// diagError is spec diagnostics with at least one error, as a value: the
// view renders them, with their source lines for people.
type diagError struct {
	sp    *spec.Spec // its files give the source lines; may be nil
	diags hcl.Diagnostics
}

func (d *diagError) Error() string { return d.diags.Error() }

// Error renders every error of pixform for people: diagnostics with hcl's
// writer, the flag package's words as they are, else "Error: ...".
func (v *humanView) Error(err error) {
	var (
		ns *noSpecError
		pe *parseError
		de *diagError
	)
	if errors.As(err, &de) {
		v.Diagnostics(de.sp, de.diags)
		return
	}
	if errors.As(err, &pe) { // the flag package's own words and the usage
		fmt.Fprint(v.e.stderr, pe.out)
		return
	}
	if errors.As(err, &ns) {
		fmt.Fprintf(v.e.stderr, "Error: no *.pix.hcl files in %s.\n\nRun 'pixform init' to start a spec here, or use -chdir=DIR to point at one.\n", ns.dir)
		return
	}
	fmt.Fprintf(v.e.stderr, "Error: %v\n", err)
}

// Error renders every error as "diagnostic" objects.
func (v *jsonView) Error(err error) {
	var de *diagError
	if errors.As(err, &de) {
		v.j.diagnostics(de.diags)
		return
	}
	v.j.errorf("%v", err)
}

// Diagnostics prints diagnostics with their source lines.
func (v *humanView) Diagnostics(sp *spec.Spec, diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	e := v.e
	var files map[string]*hcl.File
	if sp != nil {
		files = sp.Files
	}
	files, diags = relDiags(e.dir, files, diags)
	width := 0
	if f, ok := e.stderr.(interface{ Fd() uintptr }); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			width = w
		}
	}
	wr := hcl.NewDiagnosticTextWriter(e.stderr, files, uint(width), !e.noColor && e.isTerminal(e.stderr))
	wr.WriteDiagnostics(diags)
}

func (v *humanView) TookOver(msg string) { fmt.Fprintf(v.e.stderr, "Note: %s.\n", msg) }

func (v *jsonView) TookOver(msg string) { v.j.warn("", msg) }

func (v *jsonView) Diagnostics(_ *spec.Spec, diags hcl.Diagnostics) { v.j.diagnostics(diags) }
