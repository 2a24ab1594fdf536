package spec

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/json"
	"github.com/spf13/afero"
	"github.com/zclconf/go-cty/cty"
)

// EnvVarPrefix starts the name of an environment variable that sets a spec
// variable: PIXFORM_VAR_style sets var.style.
const EnvVarPrefix = "PIXFORM_VAR_"

// assignVariables applies, over the defaults, the values from the
// environment, then the -var-file files, then the -var options, each in
// order: the later wins, as in Terraform.
func (l *loader) assignVariables() {
	if l.opts.Env != nil {
		names := make([]string, 0, len(l.vars))
		for name := range l.vars {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if raw := l.opts.Env(EnvVarPrefix + name); raw != "" {
				v := l.vars[name]
				l.setRaw(v, raw, "the environment variable "+EnvVarPrefix+name)
			}
		}
	}
	for _, p := range l.opts.VarFiles {
		l.readVarFile(p)
	}
	for _, opt := range l.opts.Vars {
		name, raw, ok := strings.Cut(opt, "=")
		name = strings.TrimSpace(name)
		if !ok || !hclsyntax.ValidIdentifier(name) {
			l.errorf(nil, "Invalid -var option",
				"The option -var %q is not of the form NAME=VALUE. Write it as -var 'name=value'.", opt)
			continue
		}
		v := l.vars[name]
		if v == nil {
			l.errorf(nil, "Value for undeclared variable",
				"The option -var sets %q, but this spec declares no such variable. Declare it with a variable %q {} block, or correct the name.%s",
				name, name, didYouMean(name, l.varNames()))
			continue
		}
		l.setRaw(v, raw, "the -var option")
	}
}

// setRaw gives a variable a value from the command line or the environment:
// the raw string for a primitive type, else the string parsed as an HCL
// expression.
func (l *loader) setRaw(v *variable, raw, from string) {
	if v.primitive() {
		l.setVar(v, cty.StringVal(raw), v.block.DefRange, from)
		return
	}
	filename := fmt.Sprintf("<value for var.%s>", v.name)
	diags := checkSource([]byte(raw), filename)
	var expr hclsyntax.Expression
	if !diags.HasErrors() {
		expr, diags = hclsyntax.ParseExpression([]byte(raw), filename, hcl.InitialPos)
	}
	if !diags.HasErrors() {
		if travs := expr.Variables(); len(travs) > 0 {
			diags = diags.Append(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Variables not allowed",
				Detail:   "A value given on the command line or in the environment cannot refer to variables; write a literal value.",
				Subject:  travs[0].SourceRange().Ptr(),
			})
		}
	}
	if diags.HasErrors() {
		l.errorf(v.block.DefRange.Ptr(), "Invalid value for variable",
			"The value of variable %q from %s is not a valid expression for its type %s: %s",
			v.name, from, typeName(v), diagsError(diags))
		v.set, v.failed = true, true
		return
	}
	val, diags := expr.Value(&hcl.EvalContext{Functions: l.funcs})
	if diags.HasErrors() || !val.IsWhollyKnown() {
		l.errorf(v.block.DefRange.Ptr(), "Invalid value for variable",
			"The value of variable %q from %s cannot be evaluated: %s", v.name, from, diagsError(diags))
		v.set, v.failed = true, true
		return
	}
	l.setVar(v, val, v.block.DefRange, from)
}

func typeName(v *variable) string {
	if v.ty == cty.DynamicPseudoType {
		return "any"
	}
	return v.ty.FriendlyName()
}

// readVarFile applies the values of a -var-file: HCL (or JSON, for a .json
// file) of name = value pairs.
func (l *loader) readVarFile(p string) {
	filename := p
	if !filepath.IsAbs(filename) {
		filename = filepath.Join(l.dir, filename)
	}
	src, err := afero.ReadFile(l.fs, filename)
	if err != nil {
		l.errorf(nil, "Cannot read a variables file",
			"pixform could not read the -var-file %s: %s. Check the path, which is relative to the spec directory.", p, err)
		return
	}
	var f *hcl.File
	diags := checkSource(src, filename)
	switch {
	case diags.HasErrors():
	case strings.HasSuffix(filename, ".json"):
		f, diags = json.Parse(src, filename)
	default:
		f, diags = hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	l.diags = append(l.diags, diags...)
	if f == nil || diags.HasErrors() {
		return
	}
	l.spec.Files[filename] = f
	attrs, diags := f.Body.JustAttributes()
	l.diags = append(l.diags, diags...)
	list := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Range.Start.Byte < list[j].Range.Start.Byte })
	for _, a := range list {
		v := l.vars[a.Name]
		if v == nil {
			l.errorf(a.NameRange.Ptr(), "Value for undeclared variable",
				"This file sets %q, but the spec declares no such variable. Declare it with a variable %q {} block, or remove this line.%s",
				a.Name, a.Name, didYouMean(a.Name, l.varNames()))
			continue
		}
		if travs := a.Expr.Variables(); len(travs) > 0 {
			l.errorf(travs[0].SourceRange().Ptr(), "Variables not allowed",
				"A variables file holds literal values; it cannot refer to variables.")
			v.set, v.failed = true, true
			continue
		}
		val, diags := a.Expr.Value(&hcl.EvalContext{Functions: l.funcs})
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() || !val.IsWhollyKnown() {
			v.set, v.failed = true, true
			continue
		}
		l.setVar(v, val, a.Expr.Range(), "the file "+p)
	}
}

func (l *loader) varNames() []string {
	out := make([]string, 0, len(l.vars))
	for name := range l.vars {
		out = append(out, name)
	}
	return out
}
