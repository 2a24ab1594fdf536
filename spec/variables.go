package spec

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variable is a variable block and the value it ends up with.
type variable struct {
	name      string
	block     *hcl.Block
	ty        cty.Type // cty.DynamicPseudoType when the block has no type
	defaults  *typeexpr.Defaults
	sensitive bool
	valid     []validation

	val    cty.Value
	set    bool      // some source gave a value
	failed bool      // some source gave a value that is not valid
	src    hcl.Range // where the value came from, for diagnostics
}

type validation struct {
	condition, message hcl.Expression
}

// primitive tells whether a -var value of this variable is taken as a raw
// string (as Terraform does) rather than parsed as an HCL expression.
func (v *variable) primitive() bool {
	return v.ty == cty.DynamicPseudoType || v.ty.IsPrimitiveType()
}

// declareVariables decodes the variable blocks and their defaults.
func (l *loader) declareVariables() {
	for _, b := range l.blocks["variable"] {
		name := b.Labels[0]
		if !hclsyntax.ValidIdentifier(name) {
			l.errorf(b.LabelRanges[0].Ptr(), "Invalid variable name",
				"%q is not a valid variable name: use a letter followed by letters, digits, underscores or dashes.", name)
			continue
		}
		content, diags := b.Body.Content(variableSchema)
		l.diags = append(l.diags, diags...)
		if prev := l.vars[name]; prev != nil {
			l.errorf(b.DefRange.Ptr(), "Duplicate variable declaration",
				"A variable named %q was already declared at %s. Remove one of them, or rename it.", name, at(prev.block.DefRange))
			continue
		}
		v := &variable{name: name, block: b, ty: cty.DynamicPseudoType, src: b.DefRange}
		l.vars[name] = v
		if attr := content.Attributes["type"]; attr != nil {
			ty, defaults, diags := typeexpr.TypeConstraintWithDefaults(attr.Expr)
			l.diags = append(l.diags, diags...)
			if diags.HasErrors() {
				v.failed = true
			} else {
				v.ty, v.defaults = ty, defaults
			}
		}
		if attr := content.Attributes["sensitive"]; attr != nil {
			if val, ok := l.evalStatic(attr); ok {
				v.sensitive = l.boolValue(attr, val)
			}
		}
		if attr := content.Attributes["description"]; attr != nil {
			if val, ok := l.evalStatic(attr); ok && !val.Type().Equals(cty.String) {
				l.errorf(attr.Expr.Range().Ptr(), "Incorrect attribute value type", "The description of a variable must be a string.")
			}
		}
		for _, vb := range content.Blocks {
			vc, diags := vb.Body.Content(validationSchema)
			l.diags = append(l.diags, diags...)
			cond, msg := vc.Attributes["condition"], vc.Attributes["error_message"]
			if cond != nil && msg != nil {
				v.valid = append(v.valid, validation{condition: cond.Expr, message: msg.Expr})
			}
		}
		if attr := content.Attributes["default"]; attr != nil {
			if val, ok := l.evalStatic(attr); ok {
				l.setVar(v, val, attr.Expr.Range(), "its default")
			} else {
				v.set, v.failed = true, true
			}
		}
	}
}

// boolValue converts a known value to a bool, reporting a mistake.
func (l *loader) boolValue(attr *hcl.Attribute, val cty.Value) bool {
	b, err := convert.Convert(val, cty.Bool)
	if err != nil || b.IsNull() {
		l.errorf(attr.Expr.Range().Ptr(), "Incorrect attribute value type",
			"The argument %q must be true or false.", attr.Name)
		return false
	}
	return b.True()
}

// setVar gives a variable a value from one source; later sources win.
func (l *loader) setVar(v *variable, val cty.Value, rng hcl.Range, from string) {
	v.set, v.src = true, rng
	if v.defaults != nil && !val.IsNull() {
		val = v.defaults.Apply(val)
	}
	conv, err := convert.Convert(val, v.ty)
	if err != nil {
		v.failed = true
		l.errorf(rng.Ptr(), "Invalid value for variable",
			"The value of variable %q from %s does not fit its type %s: %s. Correct the value, or the type.",
			v.name, from, typeexpr.TypeString(v.ty), convertErr(err))
		return
	}
	v.val = conv
}

// convertErr describes a conversion error, with its path when it has one.
func convertErr(err error) string {
	if pe, ok := err.(cty.PathError); ok && len(pe.Path) > 0 {
		return "at " + pathString(pe.Path) + ": " + pe.Error()
	}
	return err.Error()
}

func pathString(p cty.Path) string {
	s := "value"
	for _, step := range p {
		switch st := step.(type) {
		case cty.GetAttrStep:
			s += "." + st.Name
		case cty.IndexStep:
			if k, err := instanceKey(st.Key); err == nil {
				s += "[" + k + "]"
			} else {
				s += "[...]"
			}
		}
	}
	return s
}

// validateVariables reports variables with no value, runs the validation
// blocks and builds the var object.
func (l *loader) validateVariables() {
	names := make([]string, 0, len(l.vars))
	for name := range l.vars {
		names = append(names, name)
	}
	sort.Strings(names)
	vals := map[string]cty.Value{}
	for _, name := range names {
		v := l.vars[name]
		switch {
		case v.failed:
			vals[name] = cty.DynamicVal
		case !v.set:
			l.errorf(v.block.DefRange.Ptr(), "No value for required variable",
				"The variable %q has no default, so it needs a value: pass -var '%s=...' or a -var-file, or set the environment variable PIXFORM_VAR_%s.",
				name, name, name)
			vals[name] = cty.DynamicVal
		case v.sensitive:
			vals[name] = v.val.Mark(sensitiveMark)
		default:
			vals[name] = v.val
		}
	}
	l.varVal = cty.ObjectVal(vals)
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": l.varVal}, Functions: l.funcs}
	for _, name := range names {
		v := l.vars[name]
		for _, rule := range v.valid {
			if !l.checkRule(v, rule, ctx) {
				vals[name] = cty.DynamicVal // so that nothing downstream uses it
				break
			}
		}
	}
	l.varVal = cty.ObjectVal(vals)
}

// checkRule runs one validation rule of a variable and reports whether the
// value passed it (or it could not be checked).
func (l *loader) checkRule(v *variable, rule validation, ctx *hcl.EvalContext) bool {
	if diags := l.checkRefs(rule.condition, scopeVariables); diags.HasErrors() {
		l.diags = append(l.diags, diags...)
		return true
	}
	if v.failed || !v.set {
		return true
	}
	res, ok := l.eval(rule.condition, ctx, scopeVariables)
	if !ok {
		return true
	}
	b, err := convert.Convert(res, cty.Bool)
	if err != nil || b.IsNull() {
		l.errorf(rule.condition.Range().Ptr(), "Invalid validation result",
			"The condition of a validation rule must be true or false, but this is %s.", res.Type().FriendlyName())
		return true
	}
	if b.True() {
		return true
	}
	msg := "The value does not pass this validation rule."
	if l.checkRefs(rule.message, scopeVariables).HasErrors() {
		l.diags = append(l.diags, l.checkRefs(rule.message, scopeVariables)...)
	} else if m, diags := rule.message.Value(ctx); !diags.HasErrors() && m.IsKnown() && !m.IsNull() && m.Type() == cty.String {
		if !m.ContainsMarked() { // a message showing a sensitive value is not shown
			msg = m.AsString()
		}
	} else {
		l.diags = append(l.diags, diags...)
	}
	l.errorf(v.src.Ptr(), "Invalid value for variable",
		"%s\n\nThe value of variable %q fails the validation rule at %s. Give it a value that passes.",
		msg, v.name, at(rule.condition.Range()))
	return false
}
