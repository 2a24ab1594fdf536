package cli

import (
	"flag"

	"github.com/hashicorp/hcl/v2"

	"github.com/pixform/pixform/spec"
)

// varFlags are the flags that give variables values.
type varFlags struct {
	vars     multi
	varFiles multi
	provider string
}

func (v *varFlags) register(fs *flag.FlagSet) {
	fs.Var(&v.vars, "var", "set a variable: `NAME=VALUE` (repeatable)")
	fs.Var(&v.varFiles, "var-file", "read variable values from an HCL `FILE` (repeatable)")
	fs.StringVar(&v.provider, "provider", "", "use provider `TYPE` for images whose block names none (it must be declared)")
}

// loadSpec loads the spec. Its warnings go to the view at once; errors
// come back as a *diagError (the spec, for validate, comes back too), and
// a directory without spec files as a *noSpecError.
func (e *env) loadSpec(v varFlags) (*spec.Spec, error) {
	sp, diags := spec.LoadReusing(e.fs, e.dir, spec.LoadOptions{Vars: v.vars, VarFiles: v.varFiles, Env: e.getenv, Provider: v.provider}, specCachePath(e.dir))
	if !diags.HasErrors() {
		diags = append(diags, checkDerives(sp)...)
	}
	if err := e.diagnosed(sp, diags); err != nil {
		return sp, err
	}
	if len(sp.Assets) == 0 && len(sp.Files) == 0 {
		return sp, &noSpecError{dir: e.dir}
	}
	return sp, nil
}

// diagnosed returns diags as a *diagError when they hold an error, and
// otherwise reports their warnings and returns nil.
func (e *env) diagnosed(sp *spec.Spec, diags hcl.Diagnostics) error {
	if diags.HasErrors() {
		return &diagError{sp: sp, diags: diags}
	}
	e.printDiags(sp, diags)
	return nil
}

// printDiags reports diagnostics through the command's view.
func (e *env) printDiags(sp *spec.Spec, diags hcl.Diagnostics) {
	e.view.Diagnostics(sp, diags)
}

// relDiags returns copies of diags, and of the file map they refer to,
// with file names relative to dir: "site.pix.hcl:12", not the full path.
func relDiags(dir string, files map[string]*hcl.File, diags hcl.Diagnostics) (map[string]*hcl.File, hcl.Diagnostics) {
	relFiles := make(map[string]*hcl.File, len(files))
	for name, f := range files {
		relFiles[relName(dir, name)] = f
	}
	rel := func(r *hcl.Range) *hcl.Range {
		if r == nil {
			return nil
		}
		c := *r
		c.Filename = relName(dir, c.Filename)
		return &c
	}
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		c := *d
		c.Subject, c.Context = rel(d.Subject), rel(d.Context)
		out[i] = &c
	}
	return relFiles, out
}
