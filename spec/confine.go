package spec

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/spf13/afero"
	"github.com/zclconf/go-cty/cty"
)

// confine is the one answer to "is this path, written in the spec, inside
// the spec directory": it returns the path clean and relative to that
// directory, or what is wrong with it, and, for pathLink, the symbolic link
// that leads out. Outputs, reference images and the file functions all ask
// it. The file functions may run in parallel (parallel.go), so the link
// cache is guarded.
func (l *loader) confine(s string) (clean string, problem pathProblem, link string) {
	c, problem := cleanRel(s)
	if problem != pathOK {
		return "", problem, ""
	}
	l.linkMu.Lock()
	link, escapes := l.symlinkEscape(c)
	l.linkMu.Unlock()
	if escapes {
		return "", pathLink, link
	}
	return c, pathOK, ""
}

// OutsideError is the error of a file function given a path that is not
// inside the spec directory. Load turns it into a diagnostic of its own
// ("File outside the spec directory") at the call (reviseFunctionDiags).
type OutsideError struct {
	Path    string // as written, quoted, or "(sensitive value)"
	problem pathProblem
	link    string
}

func (e *OutsideError) Error() string {
	switch e.problem {
	case pathAbsolute:
		return fmt.Sprintf("%s is an absolute path, but file functions read only inside the spec directory; copy the file there and write its path relative to the spec directory", e.Path)
	case pathOutside:
		return fmt.Sprintf("%s leaves the spec directory through \"..\", but file functions read only inside it; copy the file there", e.Path)
	case pathLink:
		return fmt.Sprintf("%s goes through the symbolic link %q, which leads outside the spec directory, but file functions read only inside it; copy the file there instead of linking to it", e.Path, e.link)
	case pathBackslash:
		return fmt.Sprintf("%s contains a backslash; separate directories with /, so that the spec works on every system", e.Path)
	case pathControl:
		return fmt.Sprintf("%s contains a control character or is not UTF-8 text", e.Path)
	}
	return "the path is empty; give a file relative to the spec directory"
}

// shownPath is a path argument for an error message: quoted, or hidden
// when it derives from a sensitive variable.
func shownPath(p string, marks cty.ValueMarks) string {
	if len(marks) > 0 {
		return "(sensitive value)"
	}
	return fmt.Sprintf("%q", p)
}

// specFile confines the path argument p of a file function and stats it.
// It returns the filesystem path, the file's information (nil when nothing
// is there, with an error wrapping fs.ErrNotExist), or an *OutsideError.
// The directory itself is allowed only when dirOK.
func (l *loader) specFile(p string, marks cty.ValueMarks, dirOK bool) (string, fs.FileInfo, error) {
	c, problem := cleanRel(p)
	if problem == pathEmpty && dirOK && p != "" {
		c, problem = ".", pathOK // fileset(".", ...): the spec directory itself
	}
	if problem != pathOK {
		return "", nil, &OutsideError{Path: shownPath(p, marks), problem: problem}
	}
	name := l.specPath(c)
	fi, err := l.fs.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return name, nil, fmt.Errorf("no file exists at %s (paths are relative to the spec directory): %w", shownPath(p, marks), fs.ErrNotExist)
	}
	if err != nil {
		return "", nil, fmt.Errorf("cannot read %s: %w", shownPath(p, marks), err)
	}
	if c != "." {
		if _, problem, link := l.confine(c); problem != pathOK {
			return "", nil, &OutsideError{Path: shownPath(p, marks), problem: problem, link: link}
		}
	}
	return name, fi, nil
}

// readSpecFile reads the file at the path argument p of a file function.
func (l *loader) readSpecFile(p string, marks cty.ValueMarks) ([]byte, error) {
	name, fi, err := l.specFile(p, marks, false)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a file", shownPath(p, marks))
	}
	b, err := afero.ReadFile(l.fs, name)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", shownPath(p, marks), err)
	}
	return b, nil
}

// refusedCall is a function call refused for what it asks, not for a
// mistake in its arguments: a file outside the spec directory, or a secret
// environment variable. Load gives its diagnostic a summary of its own
// (reviseFunctionDiags).
type refusedCall interface {
	error
	summary() string
}

func (e *OutsideError) summary() string {
	switch e.problem {
	case pathEmpty, pathBackslash, pathControl:
		return "Invalid file path"
	}
	return "File outside the spec directory"
}

// reviseFunctionDiags gives the diagnostic of a refused function call its
// own summary, pointing at the whole call, and hides the message of a call
// that failed on an argument deriving from a sensitive variable: the
// functions of the standard library quote their arguments in errors.
func reviseFunctionDiags(diags hcl.Diagnostics) {
	for _, d := range diags {
		extra, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallDiagExtra](d)
		if !ok || extra.FunctionCallError() == nil {
			continue
		}
		var refused refusedCall
		switch {
		case errors.As(extra.FunctionCallError(), &refused):
			d.Summary = refused.summary()
			d.Detail = fmt.Sprintf("Call to function %q refused: %s.", extra.CalledFunctionName(), refused.Error())
			if d.Context != nil {
				d.Subject = d.Context
			}
		case sensitiveArgs(d):
			d.Detail = fmt.Sprintf("Call to function %q failed on an argument that derives from a sensitive variable, so the message, which may quote the value, is not shown.", extra.CalledFunctionName())
		}
	}
}

// sensitiveArgs tells whether the failed function call of d had an
// argument deriving from a sensitive variable. It evaluates the arguments
// again, which only happens for an error.
func sensitiveArgs(d *hcl.Diagnostic) bool {
	if d.Expression == nil || d.EvalContext == nil {
		return false
	}
	args := []hcl.Expression{d.Expression}
	if call, ok := d.Expression.(*hclsyntax.FunctionCallExpr); ok {
		args = args[:0]
		for _, a := range call.Args {
			args = append(args, a)
		}
	}
	for _, a := range args {
		if v, _ := a.Value(d.EvalContext); v.ContainsMarked() {
			return true
		}
	}
	return false
}
