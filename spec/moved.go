package spec

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// decodeMoved reads the moved blocks, in source order. Blocks chain as in
// Terraform (a -> x and x -> c move a to c); a chain that is ambiguous (two
// moves of one address, or two moves to one address) or a cycle is an
// error at its source.
func (l *loader) decodeMoved() {
	froms := map[string]hcl.Range{}
	tos := map[string]hcl.Range{}
	for _, b := range l.blocks["moved"] {
		content, diags := b.Body.Content(movedSchema)
		l.diags = append(l.diags, diags...)
		from, okFrom := l.movedAddr(content.Attributes["from"])
		to, okTo := l.movedAddr(content.Attributes["to"])
		if !okFrom || !okTo {
			continue
		}
		fromRng := content.Attributes["from"].Expr.Range()
		toRng := content.Attributes["to"].Expr.Range()
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
		if prev, dup := tos[to]; dup {
			l.errorf(toRng.Ptr(), "Ambiguous moved blocks",
				"The address %s is already the destination of the moved block at %s. An image can have moved from one place only; remove one of the blocks, or chain them (from the first block's to).", to, at(prev))
			continue
		}
		froms[from], tos[to] = fromRng, toRng
		l.spec.Moved = append(l.spec.Moved, Moved{From: from, To: to, DeclRange: b.DefRange})
	}
	l.refuseMovedCycles()
}

// refuseMovedCycles reports each cycle of moved blocks (a -> b, b -> a)
// once, at its first block in source order, and drops its blocks: a cycle
// has no final address to move an image to. Froms and tos are unique, so
// a chain from a block either ends or comes back to that block.
func (l *loader) refuseMovedCycles() {
	moved := l.spec.Moved
	next := make(map[string]int, len(moved)) // from -> its block
	for i, m := range moved {
		next[m.From] = i
	}
	inCycle := map[int]bool{}
	for i, m := range moved {
		if inCycle[i] {
			continue
		}
		members, path := []int{i}, []string{m.From}
		j, ok := next[m.To]
		for ok && j != i && len(members) <= len(moved) {
			members, path = append(members, j), append(path, moved[j].From)
			j, ok = next[moved[j].To]
		}
		if !ok || j != i {
			continue
		}
		for _, k := range members {
			inCycle[k] = true
		}
		l.errorf(m.DeclRange.Ptr(), "Cyclic moved blocks",
			"These moved blocks form a cycle, %s, so there is no final address to move an image to. Remove one of them.", strings.Join(append(path, m.From), " -> "))
	}
	if len(inCycle) == 0 {
		return
	}
	kept := moved[:0]
	for i, m := range moved {
		if !inCycle[i] {
			kept = append(kept, m)
		}
	}
	l.spec.Moved = kept
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
