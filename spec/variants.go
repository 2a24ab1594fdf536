package spec

import (
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// MaxVariants bounds variants: how many candidates of one image apply makes.
const MaxVariants = 8

// evalVariants evaluates the variants argument of an image instance: a
// whole number from 1 to MaxVariants, 0 when it is not set (which means
// one image, as before variants existed). It reports
// false after a diagnostic.
func (l *loader) evalVariants(ib *imageBlock, ctx *hcl.EvalContext) (int, bool) {
	attr := ib.attrs["variants"]
	if attr == nil {
		return 0, true
	}
	v, ok, sensitive := l.evalSensitive(attr.Expr, ctx, ib.sc)
	if !ok {
		return 1, false
	}
	bad := func(what string) (int, bool) {
		l.errorf(attr.Expr.Range().Ptr(), "Invalid variants",
			"variants is how many candidates of this image apply makes, to pick one from with 'pixform pick': a whole number from 1 to %d, but this is %s.", MaxVariants, what)
		return 1, false
	}
	if sensitive {
		return bad("derived from a sensitive variable")
	}
	if v.IsNull() {
		return bad("null")
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil {
		return bad(friendly(v))
	}
	f := n.AsBigFloat()
	i, acc := f.Int64()
	if acc != big.Exact || i < 1 || i > MaxVariants {
		return bad(f.Text('g', 10))
	}
	return int(i), true
}
