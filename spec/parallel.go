package spec

import (
	"runtime"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// instanceAttrs are the arguments evalInstance evaluates once per instance.
var instanceAttrs = [...]string{"prompt", "model", "output", "images", "aspect_ratio", "image_size", "callback_url", "provider"}

// minPrecompute is the number of instances from which a block's arguments
// are evaluated in parallel: below it, starting the workers costs more.
var minPrecompute = 64 // a variable for tests

// preKey names one argument of one instance: its context and expression.
type preKey struct {
	ctx  *hcl.EvalContext
	expr hclsyntax.Expression
}

type preVal struct {
	v     cty.Value
	diags hcl.Diagnostics
}

// childCtx is parent with one more variable: count or each.
func childCtx(parent *hcl.EvalContext, name string, v cty.Value) *hcl.EvalContext {
	ctx := parent.NewChild()
	ctx.Variables = map[string]cty.Value{name: v}
	return ctx
}

// precompute evaluates the per-instance arguments of a block of many
// instances (count or for_each) on every CPU, ahead of evalInstance, which
// takes each value from there (precomputed) and does everything else in
// order, as for a single instance. Evaluating an expression only reads its
// context, and the functions of a spec only read files, so it is safe in
// parallel. An argument whose references are wrong is left to evalInstance.
func (l *loader) precompute(ib *imageBlock, ctxs []*hcl.EvalContext) {
	workers := runtime.GOMAXPROCS(0)
	if len(ctxs) < minPrecompute || workers < 2 {
		return
	}
	var exprs []hclsyntax.Expression
	for _, name := range instanceAttrs {
		if a := ib.attrs[name]; a != nil && !l.checkRefs(a.Expr, ib.sc).HasErrors() {
			if se, ok := a.Expr.(hclsyntax.Expression); ok {
				exprs = append(exprs, se)
			}
		}
	}
	if len(exprs) == 0 {
		return
	}
	vals := make([]preVal, len(ctxs)*len(exprs))
	done := make([]bool, len(ctxs)) // false: a panic stopped that instance
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(ctxs); i += workers {
				done[i] = evalAll(exprs, ctxs[i], vals[i*len(exprs):(i+1)*len(exprs)])
			}
		})
	}
	wg.Wait()
	if l.pre == nil {
		l.pre = make(map[preKey]preVal, len(vals))
	}
	for i, ctx := range ctxs {
		if !done[i] {
			continue // evalInstance evaluates it again, where Load recovers
		}
		for j, e := range exprs {
			l.pre[preKey{ctx, e}] = vals[i*len(exprs)+j]
		}
	}
}

// evalAll evaluates exprs in ctx into out; it reports false when one
// panicked.
func evalAll(exprs []hclsyntax.Expression, ctx *hcl.EvalContext, out []preVal) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	for j, e := range exprs {
		v, diags := e.Value(ctx)
		out[j] = preVal{v, diags}
	}
	return true
}

// precomputed returns, once, the value precompute made for expr in ctx.
func (l *loader) precomputed(ctx *hcl.EvalContext, expr hcl.Expression) (cty.Value, hcl.Diagnostics, bool) {
	se, ok := expr.(hclsyntax.Expression)
	if !ok || len(l.pre) == 0 {
		return cty.NilVal, nil, false
	}
	key := preKey{ctx, se}
	r, ok := l.pre[key]
	if ok {
		delete(l.pre, key)
	}
	return r.v, r.diags, ok
}
