package derive

import (
	"image"
	"math"
	"math/bits"
)

// maxRects is a MaxRects bin (Jukka Jylänki, "A Thousand Ways to Pack the
// Bin", 2010) with the bottom-left rule: each rectangle goes where its bottom
// edge is lowest, then leftmost. Everything is slices walked in order, so the
// same inserts give the same placements.
type maxRects struct {
	free []image.Rectangle
}

func newMaxRects(w, h int) *maxRects {
	return &maxRects{free: []image.Rectangle{image.Rect(0, 0, w, h)}}
}

// insert places a w x h rectangle, or reports that none of the free space
// holds it.
func (p *maxRects) insert(w, h int) (image.Rectangle, bool) {
	best, found := image.Rectangle{}, false
	for _, f := range p.free {
		if f.Dx() < w || f.Dy() < h {
			continue
		}
		r := image.Rect(f.Min.X, f.Min.Y, f.Min.X+w, f.Min.Y+h)
		if !found || r.Max.Y < best.Max.Y || (r.Max.Y == best.Max.Y && r.Min.X < best.Min.X) {
			best, found = r, true
		}
	}
	if !found {
		return image.Rectangle{}, false
	}
	p.place(best)
	return best, true
}

// place splits every free rectangle that r overlaps into the up to four
// maximal rectangles around r, then drops free rectangles inside others.
func (p *maxRects) place(r image.Rectangle) {
	var added []image.Rectangle
	kept := p.free[:0]
	for _, f := range p.free {
		if !f.Overlaps(r) {
			kept = append(kept, f)
			continue
		}
		if r.Min.X > f.Min.X {
			added = append(added, image.Rect(f.Min.X, f.Min.Y, r.Min.X, f.Max.Y))
		}
		if r.Max.X < f.Max.X {
			added = append(added, image.Rect(r.Max.X, f.Min.Y, f.Max.X, f.Max.Y))
		}
		if r.Min.Y > f.Min.Y {
			added = append(added, image.Rect(f.Min.X, f.Min.Y, f.Max.X, r.Min.Y))
		}
		if r.Max.Y < f.Max.Y {
			added = append(added, image.Rect(f.Min.X, r.Max.Y, f.Max.X, f.Max.Y))
		}
	}
	// A new rectangle inside another (old or new) adds nothing; an old one
	// inside a new one neither. Old ones are already maximal among themselves.
	var fresh []image.Rectangle
	for i, a := range added {
		inside := false
		for _, f := range kept {
			if a.In(f) {
				inside = true
				break
			}
		}
		for j, b := range added {
			if inside {
				break
			}
			if i != j && a.In(b) && (a != b || j < i) {
				inside = true
			}
		}
		if !inside {
			fresh = append(fresh, a)
		}
	}
	out := kept[:0]
	for _, f := range kept {
		inside := false
		for _, a := range fresh {
			if f.In(a) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, f)
		}
	}
	p.free = append(out, fresh...)
}

// packing is a layout: where each box (in input order) goes, and the extent
// used.
type packing struct {
	at   []image.Point
	w, h int
}

// pack places boxes (already padded) into a w x h bin in order. ok is false
// when one does not fit.
func pack(boxes []image.Point, w, h int) (packing, bool) {
	bin := newMaxRects(w, h)
	pk := packing{at: make([]image.Point, len(boxes))}
	for i, b := range boxes {
		r, ok := bin.insert(b.X, b.Y)
		if !ok {
			return packing{}, false
		}
		pk.at[i] = r.Min
		pk.w, pk.h = max(pk.w, r.Max.X), max(pk.h, r.Max.Y)
	}
	return pk, true
}

func nextPow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// layout finds a small sheet for boxes: padded boxes go into a bin whose
// usable area starts at (pad, pad), and the sheet keeps pad to its right and
// bottom edges. It tries bin widths from the widest box to maxSize (powers of
// two only with pot) and keeps the smallest sheet area; ties go to the more
// square, then the narrower sheet. ok is false when nothing fits maxSize.
func layout(boxes []image.Point, pad, maxSize int, pot bool) (pk packing, sheetW, sheetH int, ok bool) {
	widest, area := 0, 0
	for _, b := range boxes {
		widest = max(widest, b.X)
		area += b.X * b.Y
	}
	minW := widest + pad
	var widths []int
	if pot {
		for w := nextPow2(minW); w <= maxSize; w *= 2 {
			widths = append(widths, w)
		}
	} else {
		hi := min(maxSize, max(minW, 2*int(math.Ceil(math.Sqrt(float64(area))))+pad))
		const steps = 48
		for i := 0; i <= steps; i++ {
			w := minW + (hi-minW)*i/steps
			if len(widths) == 0 || widths[len(widths)-1] != w {
				widths = append(widths, w)
			}
		}
	}
	bestArea := 0
	for _, w := range widths {
		p, fits := pack(boxes, w-pad, maxSize-pad)
		if !fits {
			continue
		}
		sw, sh := p.w+pad, p.h+pad
		if pot {
			sw, sh = nextPow2(sw), nextPow2(sh)
		}
		if sw > maxSize || sh > maxSize {
			continue
		}
		a := sw * sh
		better := !ok || a < bestArea ||
			(a == bestArea && max(sw, sh) < max(sheetW, sheetH)) ||
			(a == bestArea && max(sw, sh) == max(sheetW, sheetH) && sw < sheetW)
		if better {
			pk, sheetW, sheetH, bestArea, ok = p, sw, sh, a, true
		}
	}
	return pk, sheetW, sheetH, ok
}

// smallestSquare is the side of the smallest square sheet (a power of two
// with pot) that holds boxes, or 0 when not even MaxSide does.
func smallestSquare(boxes []image.Point, pad int, pot bool) int {
	fits := func(s int) bool { _, ok := pack(boxes, s-pad, s-pad); return ok }
	if pot {
		for s := 1; s <= MaxSide; s *= 2 {
			if fits(s) {
				return s
			}
		}
		return 0
	}
	if !fits(MaxSide) {
		return 0
	}
	lo, hi := 1, MaxSide // fits(hi) holds
	for lo < hi {
		mid := (lo + hi) / 2
		if fits(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return hi
}
