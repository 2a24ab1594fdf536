package spec

import (
	"slices"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// imageBlock is an image block as written, before evaluation.
type imageBlock struct {
	name      string
	block     *hcl.Block
	attrs     hcl.Attributes // every argument but depends_on
	forEach   *hcl.Attribute
	count     *hcl.Attribute
	dependsOn []dependsTarget
	sc        scope // what its arguments may refer to
	deps      []nodeRef
	ok        bool // decoded well enough to evaluate

	ignoreChanges     []string
	preventRegenerate bool
	checks            []*hcl.Block // check blocks (check.go)
}

type dependsTarget struct {
	addr travAddr
	rng  hcl.Range
}

// ignorable are the arguments lifecycle.ignore_changes may name: those
// that shape an image's pixels.
var ignorable = []string{"provider", "model", "prompt", "images", "aspect_ratio", "image_size"}

// declareImages decodes the image blocks without evaluating anything.
func (l *loader) declareImages() {
	for _, b := range l.blocks["image"] {
		name := b.Labels[0]
		content, diags := b.Body.Content(imageSchema)
		l.diags = append(l.diags, diags...)
		if !hclsyntax.ValidIdentifier(name) {
			l.errorf(b.LabelRanges[0].Ptr(), "Invalid image name",
				"%q is not a valid image name: use a letter followed by letters, digits, underscores or dashes.", name)
			continue
		}
		if prev := l.images[name]; prev != nil {
			l.errorf(b.DefRange.Ptr(), "Duplicate image block",
				"An image named %q was already declared at %s. Image names must be unique in the spec; rename or remove one.", name, at(prev.block.DefRange))
			continue
		}
		ib := &imageBlock{name: name, block: b, attrs: content.Attributes, ok: true}
		l.images[name] = ib
		ib.forEach, ib.count = content.Attributes["for_each"], content.Attributes["count"]
		ib.sc = scope{locals: true, images: true, each: ib.forEach != nil, count: ib.count != nil}
		if ib.forEach != nil && ib.count != nil {
			l.errorf(ib.forEach.Expr.Range().Ptr(), `Invalid combination of "count" and "for_each"`,
				`The "count" and "for_each" arguments cannot both be set in one image block: use for_each to make one image per key, or count to make a number of them.`)
			ib.ok = false
		}
		if attr := content.Attributes["depends_on"]; attr != nil {
			delete(ib.attrs, "depends_on")
			ib.dependsOn = l.decodeDependsOn(attr)
		}
		ib.checks = content.Blocks.OfType("check")
		lifecycles := content.Blocks.OfType("lifecycle")
		for i, lb := range lifecycles {
			if i > 0 {
				l.errorf(lb.DefRange.Ptr(), "Duplicate lifecycle block",
					"An image block can have only one lifecycle block; the first is at %s. Merge them.", at(lifecycles[0].DefRange))
				continue
			}
			l.decodeLifecycle(ib, lb)
		}
	}
}

// decodeDependsOn reads depends_on: a list of image references.
func (l *loader) decodeDependsOn(attr *hcl.Attribute) []dependsTarget {
	exprs, diags := hcl.ExprList(attr.Expr)
	if diags.HasErrors() {
		l.errorf(attr.Expr.Range().Ptr(), "Invalid depends_on",
			`The depends_on argument must be a list of image references, like [image.logo, image.hero["knight"]].`)
		return nil
	}
	var out []dependsTarget
	for _, e := range exprs {
		trav, diags := hcl.AbsTraversalForExpr(e)
		var a travAddr
		var err error
		if !diags.HasErrors() {
			a, err = traversalAddr(trav)
		}
		if diags.HasErrors() || err != nil {
			l.errorf(e.Range().Ptr(), "Invalid depends_on reference",
				`Each entry of depends_on must be a reference to an image, like image.logo or image.hero["knight"], written without quotes.`)
			continue
		}
		out = append(out, dependsTarget{addr: a, rng: e.Range()})
	}
	return out
}

// decodeLifecycle reads a lifecycle block.
func (l *loader) decodeLifecycle(ib *imageBlock, b *hcl.Block) {
	content, diags := b.Body.Content(lifecycleSchema)
	l.diags = append(l.diags, diags...)
	if attr := content.Attributes["prevent_regenerate"]; attr != nil {
		if v, ok := l.evalStatic(attr); ok {
			ib.preventRegenerate = l.boolValue(attr, v)
		}
	}
	attr := content.Attributes["ignore_changes"]
	if attr == nil {
		return
	}
	if kw := hcl.ExprAsKeyword(attr.Expr); kw == "all" {
		ib.ignoreChanges = append([]string(nil), ignorable...)
		sort.Strings(ib.ignoreChanges)
		return
	}
	exprs, diags := hcl.ExprList(attr.Expr)
	if diags.HasErrors() {
		l.errorf(attr.Expr.Range().Ptr(), "Invalid ignore_changes",
			"The ignore_changes argument must be a list of argument names, like [prompt, model], or the keyword all.")
		return
	}
	seen := map[string]bool{}
	for _, e := range exprs {
		name := hcl.ExprAsKeyword(e)
		if !slices.Contains(ignorable, name) {
			l.errorf(e.Range().Ptr(), "Invalid ignore_changes entry",
				"Each entry of ignore_changes must be the name of an argument, written without quotes, among %s.", quotedList(ignorable))
			continue
		}
		if !seen[name] {
			seen[name] = true
			ib.ignoreChanges = append(ib.ignoreChanges, name)
		}
	}
	sort.Strings(ib.ignoreChanges)
}

func (l *loader) imageNames() []string {
	out := make([]string, 0, len(l.images))
	for name := range l.images {
		out = append(out, name)
	}
	return out
}
