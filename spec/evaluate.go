package spec

import (
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// maxCount bounds count, so that a typo cannot ask for millions of images.
const maxCount = 10000

// instanceType is the type of image.NAME (or of one of its instances) in
// expressions.
var instanceType = cty.Object(map[string]cty.Type{
	"output": cty.String,
	"prompt": cty.String,
	"model":  cty.String,
	"addr":   cty.String,
})

// evaluateGraph evaluates the locals and image blocks in dependency order,
// reporting each dependency cycle once.
func (l *loader) evaluateGraph() {
	g := newGraph()
	addRefs := func(from string, expr hcl.Expression, sc scope) []nodeRef {
		l.diags = append(l.diags, l.checkRefs(expr, sc)...)
		var deps []nodeRef
		for _, r := range refs(expr) {
			if l.exists(r.key) {
				g.edge(from, r.key, r.rng)
				deps = append(deps, r)
			}
		}
		return deps
	}
	for name, a := range l.locals {
		g.add("local." + name)
		addRefs("local."+name, a.Expr, scopeLocals)
	}
	for name, ib := range l.images {
		node := "image." + name
		g.add(node)
		for _, a := range sortedAttrs(ib.attrs) {
			sc := ib.sc
			if a == ib.forEach || a == ib.count {
				sc = scopeImage
			}
			ib.deps = append(ib.deps, addRefs(node, a.Expr, sc)...)
		}
		for _, cb := range ib.checks {
			attrs, _ := cb.Body.JustAttributes()
			for _, a := range sortedAttrs(attrs) {
				ib.deps = append(ib.deps, addRefs(node, a.Expr, ib.sc)...)
			}
		}
		for _, t := range ib.dependsOn {
			if l.images[t.addr.Name] == nil {
				l.errorf(t.rng.Ptr(), "Reference to undeclared image",
					"No image block named %q is declared.%s Declare it, or correct the name.", t.addr.Name, didYouMean(t.addr.Name, l.imageNames()))
				continue
			}
			g.edge(node, "image."+t.addr.Name, t.rng)
		}
	}
	for _, comp := range g.components() {
		if g.cyclic(comp) {
			l.diags = append(l.diags, g.cycleDiag(comp))
			continue
		}
		if name, ok := strings.CutPrefix(comp[0], "local."); ok {
			l.evalLocal(name)
		} else if name, ok := strings.CutPrefix(comp[0], "image."); ok {
			l.evalImage(l.images[name])
		}
	}
}

func (l *loader) exists(key string) bool {
	if name, ok := strings.CutPrefix(key, "local."); ok {
		return l.locals[name] != nil
	}
	if name, ok := strings.CutPrefix(key, "image."); ok {
		return l.images[name] != nil
	}
	return false
}

func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	list := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Range.Start.Byte < list[j].Range.Start.Byte })
	return list
}

// evalImage expands an image block into its instances and records the
// value image.NAME has in later expressions.
func (l *loader) evalImage(ib *imageBlock) {
	if !ib.ok {
		return
	}
	ctx := l.ctx(ib.deps, nil)
	key := "image." + ib.name
	switch {
	case ib.forEach != nil:
		v, ok := l.evalMarked(ib.forEach.Expr, ctx, scopeImage)
		if !ok {
			return
		}
		if sensitiveKeys(v) {
			l.errorf(ib.forEach.Expr.Range().Ptr(), "Invalid for_each argument",
				"The for_each argument derives from a sensitive variable, but its keys become image addresses, which plans print and the state and lockfile record. Use a map whose keys are not sensitive; its values may be (each.value stays sensitive).")
			return
		}
		uv, _ := v.Unmark()
		items, ok := l.forEachItems(ib.forEach, uv)
		if !ok {
			return
		}
		l.instances[ib.name] = []string{}
		attrs := map[string]map[string]cty.Value{}
		ctxs := make([]*hcl.EvalContext, len(items))
		for i, it := range items {
			each := cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(it.key), "value": it.value})
			ctxs[i] = childCtx(ctx, "each", each)
		}
		l.precompute(ib, ctxs)
		for i, it := range items {
			attrs[it.key] = l.evalInstance(ib, ctxs[i], quoteKey(it.key))
		}
		l.lazyValues[key] = func() cty.Value {
			if len(attrs) == 0 {
				return cty.MapValEmpty(instanceType)
			}
			objs := make(map[string]cty.Value, len(attrs))
			for k, a := range attrs {
				objs[k] = cty.ObjectVal(a)
			}
			return cty.MapVal(objs)
		}
	case ib.count != nil:
		v, ok := l.eval(ib.count.Expr, ctx, scopeImage)
		if !ok {
			return
		}
		n, ok := l.countValue(ib.count, v)
		if !ok {
			return
		}
		l.instances[ib.name] = []string{}
		attrs := make([]map[string]cty.Value, n)
		ctxs := make([]*hcl.EvalContext, n)
		for i := range ctxs {
			ctxs[i] = childCtx(ctx, "count", cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(i))}))
		}
		l.precompute(ib, ctxs)
		for i := range attrs {
			attrs[i] = l.evalInstance(ib, ctxs[i], strconv.Itoa(i))
		}
		l.lazyValues[key] = func() cty.Value {
			objs := make([]cty.Value, len(attrs))
			for i, a := range attrs {
				objs[i] = cty.ObjectVal(a)
			}
			return cty.TupleVal(objs)
		}
	default:
		l.instances[ib.name] = []string{}
		attrs := l.evalInstance(ib, ctx, "")
		l.lazyValues[key] = func() cty.Value { return cty.ObjectVal(attrs) }
	}
}

// sensitiveKeys tells whether the keys for_each would take from v derive
// from a sensitive value: v itself is marked (a sensitive map, set or list,
// or one built from one), or an element of a set is. A map whose values only
// are sensitive has plain keys, and its values keep their marks.
func sensitiveKeys(v cty.Value) bool {
	if v.IsMarked() {
		return true
	}
	if v.Type().IsSetType() && v.IsKnown() && !v.IsNull() {
		for it := v.ElementIterator(); it.Next(); {
			if _, e := it.Element(); e.IsMarked() {
				return true
			}
		}
	}
	return false
}

type forEachItem struct {
	key   string
	value cty.Value
}

// forEachItems reads the value of for_each: a map or object, or a set of
// strings, each element of which makes one instance.
func (l *loader) forEachItems(attr *hcl.Attribute, v cty.Value) ([]forEachItem, bool) {
	bad := func(detail string, args ...any) ([]forEachItem, bool) {
		l.errorf(attr.Expr.Range().Ptr(), "Invalid for_each argument", detail, args...)
		return nil, false
	}
	if v.IsNull() {
		return bad("The for_each argument is null; it must be a map, or a set of strings.")
	}
	ty := v.Type()
	var items []forEachItem
	switch {
	case ty.IsMapType() || ty.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			k, val := it.Element()
			items = append(items, forEachItem{key: k.AsString(), value: val})
		}
	case ty.IsSetType() && v.LengthInt() == 0:
		return nil, true
	case ty.IsSetType():
		if !ty.ElementType().Equals(cty.String) {
			return bad("The for_each argument is a set of %s; it must be a map, or a set of strings. Convert the elements with tostring, or build a map.",
				ty.ElementType().FriendlyName())
		}
		for it := v.ElementIterator(); it.Next(); {
			_, val := it.Element()
			if val.IsNull() {
				return bad("The for_each set holds a null element; every element must be a string.")
			}
			items = append(items, forEachItem{key: val.AsString(), value: val})
		}
	default:
		return bad("The for_each argument is a %s; it must be a map, or a set of strings. To use a list, convert it with toset(...).", ty.FriendlyName())
	}
	return items, true
}

// countValue reads the value of count: a whole number from 0 to maxCount.
func (l *loader) countValue(attr *hcl.Attribute, v cty.Value) (int, bool) {
	n, err := convert.Convert(v, cty.Number)
	if err != nil || n.IsNull() {
		l.errorf(attr.Expr.Range().Ptr(), "Invalid count argument",
			"The count argument must be a whole number, but this is %s.", friendly(v))
		return 0, false
	}
	bf := n.AsBigFloat()
	i, acc := bf.Int64()
	if !bf.IsInt() || acc != big.Exact || i < 0 || i > maxCount {
		l.errorf(attr.Expr.Range().Ptr(), "Invalid count argument",
			"The count argument must be a whole number from 0 to %d, but this is %s.", maxCount, bf.Text('g', 10))
		return 0, false
	}
	return int(i), true
}

func friendly(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	return "a " + v.Type().FriendlyName()
}
