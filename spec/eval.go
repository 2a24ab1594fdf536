package spec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// scope tells which names an expression may refer to.
type scope struct {
	locals  bool // local.NAME
	images  bool // image.NAME
	derives bool // derive.NAME
	each    bool // each.key, each.value (for_each blocks)
	count   bool // count.index (count blocks)
}

var (
	scopeVariables = scope{}
	scopeLocals    = scope{locals: true, images: true}
	scopeImage     = scope{locals: true, images: true}
)

// nodeRef is a reference from an expression to a graph node ("local.x",
// "image.y").
type nodeRef struct {
	key string
	rng hcl.Range
}

// refs returns the graph nodes an expression refers to.
func refs(expr hcl.Expression) []nodeRef {
	var out []nodeRef
	for _, trav := range expr.Variables() {
		root := trav.RootName()
		if root != "local" && root != "image" || len(trav) < 2 {
			continue
		}
		if attr, ok := trav[1].(hcl.TraverseAttr); ok {
			out = append(out, nodeRef{key: root + "." + attr.Name, rng: trav.SourceRange()})
		}
	}
	return out
}

// refCheckKey identifies a checkRefs: the same expression in the same
// scope gives the same answer, since every name is declared before any
// expression is checked.
type refCheckKey struct {
	expr hclsyntax.Expression
	sc   scope
}

// checkRefs reports the references of an expression to names that are not
// declared or not available in its scope. It walks each expression once per
// Load, not once per instance of its block.
func (l *loader) checkRefs(expr hcl.Expression, sc scope) hcl.Diagnostics {
	se, ok := expr.(hclsyntax.Expression) // a pointer, so a map key
	if !ok {
		return l.walkRefs(expr, sc)
	}
	key := refCheckKey{expr: se, sc: sc}
	diags, ok := l.refCheck[key]
	if !ok {
		if l.refCheck == nil {
			l.refCheck = map[refCheckKey]hcl.Diagnostics{}
		}
		diags = l.walkRefs(expr, sc)
		l.refCheck[key] = diags
	}
	if diags == nil {
		return nil
	}
	return append(hcl.Diagnostics(nil), diags...)
}

// walkRefs is checkRefs without the cache.
func (l *loader) walkRefs(expr hcl.Expression, sc scope) hcl.Diagnostics {
	var diags hcl.Diagnostics
	bad := func(rng hcl.Range, summary, detail string, args ...any) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  summary,
			Detail:   fmt.Sprintf(detail, args...),
			Subject:  rng.Ptr(),
		})
	}
	for _, trav := range expr.Variables() {
		root := trav.RootName()
		rng := trav.SourceRange()
		var name string
		if len(trav) > 1 {
			if attr, ok := trav[1].(hcl.TraverseAttr); ok {
				name = attr.Name
			}
		}
		switch root {
		case "var", "local", "image", "derive", "each", "count":
			if name == "" {
				bad(rng, "Invalid reference", "The %q object cannot be used on its own; refer to one of its attributes, like %s.", root, example(root))
				continue
			}
		}
		switch root {
		case "var":
			if l.vars[name] == nil {
				bad(rng, "Reference to undeclared input variable",
					"No variable named %q is declared.%s Declare it with a variable %q {} block, or correct the name.", name, didYouMean(name, l.varNames()), name)
			}
		case "local":
			if !sc.locals {
				bad(rng, "Invalid reference", "Local values cannot be used here; only input variables (var.NAME) can.")
			} else if l.locals[name] == nil {
				bad(rng, "Reference to undeclared local value",
					"No local value named %q is declared.%s Declare it in a locals block, or correct the name.", name, didYouMean(name, l.localNames()))
			}
		case "image":
			if !sc.images {
				bad(rng, "Invalid reference", "Images cannot be used here; only input variables (var.NAME) can.")
			} else if l.images[name] == nil {
				bad(rng, "Reference to undeclared image",
					"No image block named %q is declared.%s Declare it, or correct the name.", name, didYouMean(name, l.imageNames()))
			}
		case "derive":
			if !sc.derives {
				bad(rng, "Invalid reference", "Derived outputs can be used only in derive blocks: an image, a local value or a variable cannot refer to them.")
			} else if l.derives[name] == nil {
				bad(rng, "Reference to undeclared derive",
					"No derive block named %q is declared.%s Declare it, or correct the name.", name, didYouMean(name, l.deriveNames()))
			}
		case "each":
			if !sc.each {
				bad(rng, `Reference to "each" in context without for_each`,
					"each.key and each.value can be used only inside an image block that has for_each, and not in the for_each argument itself.")
			}
		case "count":
			if !sc.count {
				bad(rng, `Reference to "count" in context without count`,
					"count.index can be used only inside an image block that has count, and not in the count argument itself.")
			}
		default:
			bad(rng, "Unknown variable",
				"There is no variable named %q. Refer to input variables as var.NAME, local values as local.NAME and images as image.NAME.", root)
		}
	}
	return diags
}

func example(root string) string {
	switch root {
	case "each":
		return "each.key"
	case "count":
		return "count.index"
	}
	return root + ".NAME"
}

// ctx returns an evaluation context holding the variables, the given graph
// nodes (already evaluated, or unknown when they failed) and extra names.
func (l *loader) ctx(deps []nodeRef, extra map[string]cty.Value) *hcl.EvalContext {
	locals := map[string]cty.Value{}
	images := map[string]cty.Value{}
	for _, d := range deps {
		v, ok := l.value(d.key)
		if !ok {
			v = cty.DynamicVal
		}
		if name, ok := strings.CutPrefix(d.key, "local."); ok {
			locals[name] = v
		} else if name, ok := strings.CutPrefix(d.key, "image."); ok {
			images[name] = v
		}
	}
	vars := map[string]cty.Value{
		"var":   l.varVal,
		"local": cty.ObjectVal(locals),
		"image": cty.ObjectVal(images),
	}
	for k, v := range extra {
		vars[k] = v
	}
	return &hcl.EvalContext{Variables: vars, Functions: l.funcs}
}

// value returns the value of an evaluated graph node. That of an image
// block is built when first asked for: most are never referred to, and a
// block of thousands of instances makes a costly value.
func (l *loader) value(key string) (cty.Value, bool) {
	if v, ok := l.values[key]; ok {
		return v, true
	}
	build, ok := l.lazyValues[key]
	if !ok {
		return cty.NilVal, false
	}
	v := build()
	l.values[key] = v
	delete(l.lazyValues, key)
	return v, true
}

// eval evaluates an expression whose references were already checked (and
// any mistakes in them reported). It reports whether it succeeded; the value
// may still be unknown when it depends on something that failed.
//
// The value has no marks: what it derived from a sensitive variable is
// forgotten, so that no caller panics converting it. Use evalSensitive to
// know, or evalMarked to keep the marks.
func (l *loader) eval(expr hcl.Expression, ctx *hcl.EvalContext, sc scope) (cty.Value, bool) {
	v, ok, _ := l.evalSensitive(expr, ctx, sc)
	return v, ok
}

// sensitiveMark marks the value of a variable declared sensitive, and
// whatever derives from it.
const sensitiveMark = "sensitive"

// evalSensitive is eval that also tells whether the value (or part of it)
// derives from a sensitive variable.
func (l *loader) evalSensitive(expr hcl.Expression, ctx *hcl.EvalContext, sc scope) (cty.Value, bool, bool) {
	v, ok := l.evalMarked(expr, ctx, sc)
	v, marks := v.UnmarkDeep()
	return v, ok, len(marks) > 0
}

// evalMarked is eval that keeps the marks of the value.
func (l *loader) evalMarked(expr hcl.Expression, ctx *hcl.EvalContext, sc scope) (cty.Value, bool) {
	if l.checkRefs(expr, sc).HasErrors() {
		return cty.DynamicVal, false
	}
	v, diags, ok := l.precomputed(ctx, expr)
	if !ok {
		v, diags = expr.Value(ctx)
	}
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		return cty.DynamicVal, false
	}
	if !v.IsWhollyKnown() {
		l.unknown = true
		return v, false
	}
	return v, true
}

// evalString evaluates an optional string argument. It returns "" and true
// when attr is nil or null.
func (l *loader) evalString(attr *hcl.Attribute, ctx *hcl.EvalContext, sc scope) (string, bool) {
	s, _, ok := l.evalStringSet(attr, ctx, sc)
	return s, ok
}

// evalStringSet is evalString that also tells whether the argument is set:
// present and not null.
func (l *loader) evalStringSet(attr *hcl.Attribute, ctx *hcl.EvalContext, sc scope) (s string, set, ok bool) {
	s, set, ok, _ = l.evalStringSensitive(attr, ctx, sc)
	return s, set, ok
}

// evalStringSensitive is evalStringSet that also tells whether the string
// derives from a sensitive variable.
func (l *loader) evalStringSensitive(attr *hcl.Attribute, ctx *hcl.EvalContext, sc scope) (s string, set, ok, sensitive bool) {
	if attr == nil {
		return "", false, true, false
	}
	v, ok, sensitive := l.evalSensitive(attr.Expr, ctx, sc)
	if !ok {
		return "", false, false, sensitive
	}
	if v.IsNull() {
		return "", false, true, sensitive
	}
	sv, err := convert.Convert(v, cty.String)
	if err != nil {
		l.errorf(attr.Expr.Range().Ptr(), "Incorrect attribute value type",
			"The argument %q must be a string, but this is %s.", attr.Name, friendly(v))
		return "", false, false, sensitive
	}
	return sv.AsString(), true, true, sensitive
}

// evalStatic evaluates an argument that may not refer to anything: only
// literals and functions.
func (l *loader) evalStatic(attr *hcl.Attribute) (cty.Value, bool) {
	if travs := attr.Expr.Variables(); len(travs) > 0 {
		l.errorf(travs[0].SourceRange().Ptr(), "Variables not allowed",
			"The argument %q must be a constant: it cannot refer to variables, local values or images.", attr.Name)
		return cty.DynamicVal, false
	}
	return l.eval(attr.Expr, &hcl.EvalContext{Functions: l.funcs}, scopeVariables)
}
