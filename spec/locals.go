package spec

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// collectLocals gathers the attributes of every locals block.
func (l *loader) collectLocals() {
	for _, b := range l.blocks["locals"] {
		attrs, diags := b.Body.JustAttributes()
		l.diags = append(l.diags, diags...)
		list := make([]*hcl.Attribute, 0, len(attrs))
		for _, a := range attrs {
			list = append(list, a)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Range.Start.Byte < list[j].Range.Start.Byte })
		for _, a := range list {
			if prev := l.locals[a.Name]; prev != nil {
				l.errorf(a.NameRange.Ptr(), "Duplicate local value",
					"A local value named %q was already defined at %s. Local value names must be unique in the spec; remove or rename one.", a.Name, at(prev.Range))
				continue
			}
			l.locals[a.Name] = a
		}
	}
}

// evalLocal evaluates one local value, once those it refers to are.
func (l *loader) evalLocal(name string) {
	a := l.locals[name]
	deps := refs(a.Expr)
	v, _ := l.evalMarked(a.Expr, l.ctx(deps, nil), scopeLocals)
	l.values["local."+name] = v
}

func (l *loader) localNames() []string {
	out := make([]string, 0, len(l.locals))
	for name := range l.locals {
		out = append(out, name)
	}
	return out
}
