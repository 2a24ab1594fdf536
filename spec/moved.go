package spec

import "github.com/hashicorp/hcl/v2"

// decodeMoved reads the moved blocks, in source order.
func (l *loader) decodeMoved() {
	froms := map[string]hcl.Range{}
	for _, b := range l.blocks["moved"] {
		content, diags := b.Body.Content(movedSchema)
		l.diags = append(l.diags, diags...)
		from, okFrom := l.movedAddr(content.Attributes["from"])
		to, okTo := l.movedAddr(content.Attributes["to"])
		if !okFrom || !okTo {
			continue
		}
		fromRng := content.Attributes["from"].Expr.Range()
		switch {
		case from == to:
			l.errorf(b.DefRange.Ptr(), "Redundant moved block",
				"This moved block moves %s to itself. Remove it, or correct one of the addresses.", from)
			continue
		case l.spec.Asset(from) != nil:
			l.errorf(fromRng.Ptr(), "Moved object still exists",
				"This moved block moves %s, but the spec still declares it. Remove or rename that image, or remove this block.", from)
			continue
		}
		if prev, dup := froms[from]; dup {
			l.errorf(fromRng.Ptr(), "Duplicate moved block",
				"The address %s was already moved at %s. An image can move to one place only; remove one of the blocks.", from, at(prev))
			continue
		}
		froms[from] = fromRng
		l.spec.Moved = append(l.spec.Moved, Moved{From: from, To: to, DeclRange: b.DefRange})
	}
}

// movedAddr reads the address of a moved block's from or to.
func (l *loader) movedAddr(attr *hcl.Attribute) (string, bool) {
	if attr == nil {
		return "", false // hcl reported the missing argument
	}
	trav, diags := hcl.AbsTraversalForExpr(attr.Expr)
	if !diags.HasErrors() {
		if a, err := traversalAddr(trav); err == nil {
			return a.String(), true
		}
	}
	l.errorf(attr.Expr.Range().Ptr(), "Invalid moved address",
		`The %s of a moved block must be an image address, like image.logo, image.hero["knight"] or image.row[0], written without quotes.`, attr.Name)
	return "", false
}
