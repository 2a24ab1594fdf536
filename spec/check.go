package spec

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Check is a check block of an image or derive: conditions its output must
// meet; a zero field is not checked. The derive package checks the values
// and measures the file, through the caller.
type Check struct {
	Width, Height   int
	Aspect          float64 // width/height: aspect_ratio = "16:9" or 1.777
	AspectTolerance float64 // relative; 0: the default (1%)
	Alpha           bool    // some pixel is not opaque
	MaxBytes        int64
	Range           hcl.Range
}

var checkSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "width"}, {Name: "height"}, {Name: "aspect_ratio"}, {Name: "aspect_tolerance"},
		{Name: "alpha"}, {Name: "max_bytes"},
	},
}

// evalChecks evaluates the check blocks of one instance: at most one.
func (l *loader) evalChecks(blocks []*hcl.Block, ctx *hcl.EvalContext, sc scope) (*Check, bool) {
	var c *Check
	ok := true
	for i, b := range blocks {
		if i > 0 {
			l.errorf(b.DefRange.Ptr(), "Duplicate check block",
				"A block can have only one check block; the first is at %s. Merge them.", at(blocks[0].DefRange))
			return c, false
		}
		content, diags := b.Body.Content(checkSchema)
		l.diags = append(l.diags, diags...)
		ok = !diags.HasErrors()
		c = &Check{Range: b.DefRange}
		attrs := content.Attributes
		for name, dst := range map[string]*int{"width": &c.Width, "height": &c.Height} {
			if a := attrs[name]; a != nil {
				n, good := l.intArg(a, ctx, sc)
				*dst, ok = n, ok && good
			}
		}
		if a := attrs["max_bytes"]; a != nil {
			n, good := l.intArg(a, ctx, sc)
			c.MaxBytes, ok = int64(n), ok && good
		}
		if a := attrs["alpha"]; a != nil {
			v, good := l.boolArg(a, ctx, sc)
			c.Alpha, ok = v, ok && good
		}
		if a := attrs["aspect_tolerance"]; a != nil {
			v, good := l.eval(a.Expr, ctx, sc)
			if good && v.Type() == cty.Number && !v.IsNull() {
				c.AspectTolerance, _ = v.AsBigFloat().Float64()
			} else if good {
				l.errorf(a.Expr.Range().Ptr(), "Incorrect attribute value type",
					"The aspect_tolerance must be a number, like 0.02 for 2%%, but this is %s.", friendly(v))
				good = false
			}
			ok = ok && good
		}
		if a := attrs["aspect_ratio"]; a != nil {
			v, good := l.eval(a.Expr, ctx, sc)
			if good {
				c.Aspect, good = aspectValue(v)
				if !good {
					l.errorf(a.Expr.Range().Ptr(), "Invalid aspect_ratio",
						"The aspect_ratio must be \"W:H\" (like \"16:9\") or a positive number (width divided by height).")
				}
			}
			ok = ok && good
		}
	}
	return c, ok
}

// aspectValue reads "16:9" or a number.
func aspectValue(v cty.Value) (float64, bool) {
	if v.IsNull() {
		return 0, false
	}
	switch v.Type() {
	case cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f, f > 0
	case cty.String:
		w, h, found := strings.Cut(v.AsString(), ":")
		fw, err1 := strconv.ParseFloat(strings.TrimSpace(w), 64)
		fh, err2 := strconv.ParseFloat(strings.TrimSpace(h), 64)
		if !found || err1 != nil || err2 != nil || fw <= 0 || fh <= 0 {
			return 0, false
		}
		return fw / fh, true
	}
	return 0, false
}
