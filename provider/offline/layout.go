package offline

import (
	"fmt"
	"image"
	"strings"

	"github.com/pixform/pixform/provider"
)

const (
	margin     = 9 // from the canvas edge to text
	lineHeight = 14
	glyphW     = 7 // basicfont.Face7x13's advance
	heading    = "PLACEHOLDER"
)

// drawTexts lays out, top to bottom: the heading, the prompt word-wrapped
// (cut with "..." when it does not fit), and at the bottom the model with
// the aspect ratio and size. Each block sits on a light panel. Blocks that
// do not fit a very thin canvas are left out.
func drawTexts(img *image.Paletted, req provider.Request) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	cols := (w - 2*margin) / glyphW
	if cols < 4 || h < 2*margin+lineHeight {
		return
	}
	y := margin
	// The heading, twice the size when it fits.
	k := 2
	if len(heading)*glyphW*k > w-2*margin || h < 2*margin+3*lineHeight+26 {
		k = 1
	}
	title := clipCols(heading, cols)
	headW := len(title) * glyphW * k
	head := image.NewPaletted(image.Rect(0, 0, len(title)*glyphW, 13), img.Palette)
	fill(head, head.Rect, ixPanel)
	drawString(head, 0, 0, title)
	x := (w - headW) / 2
	fill(img, image.Rect(x-3, y-2, x+headW+3, y+13*k+1), ixPanel)
	blitScaled(img, head, x, y, k)
	y += 13*k + 6

	footer := footerText(req)
	if len(footer) > cols { // the model alone, then
		footer = clipCols(sanitize(req.Model), cols)
	}
	footY := h - margin - lineHeight + 1
	if footY >= y {
		panel(img, margin, footY, []string{footer})
	} else {
		footY = h
	}
	maxLines := (footY - 4 - y) / lineHeight
	if maxLines <= 0 {
		return
	}
	lines := wrap(sanitize(req.Prompt), cols, maxLines)
	panel(img, margin, y, lines)
}

// panel draws lines on a light panel, top-left at (x, y).
func panel(img *image.Paletted, x, y int, lines []string) {
	if len(lines) == 0 {
		return
	}
	width := 0
	for _, l := range lines {
		width = max(width, len(l)*glyphW)
	}
	fill(img, image.Rect(x-3, y-1, x+width+3, y+len(lines)*lineHeight+1), ixPanel)
	for i, l := range lines {
		drawString(img, x, y+i*lineHeight, l)
	}
}

func footerText(req provider.Request) string {
	parts := []string{sanitize(req.Model)}
	if req.Candidate > 0 {
		parts = append(parts, fmt.Sprintf("candidate %d", req.Candidate))
	}
	if req.AspectRatio != "" {
		parts = append(parts, sanitize(req.AspectRatio))
	}
	if req.ImageSize != "" {
		parts = append(parts, sanitize(req.ImageSize))
	}
	return strings.Join(parts, "  ")
}

// sanitize keeps what the font can draw: printable ASCII, with runs of
// white space as one space; every other rune becomes '?'.
func sanitize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			space = b.Len() > 0
			continue
		case r < 0x20 || r > 0x7e:
			r = '?'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// clipCols cuts s to cols characters, marking the cut with "...".
func clipCols(s string, cols int) string {
	if len(s) <= cols {
		return s
	}
	if cols <= 3 {
		return s[:max(cols, 0)]
	}
	return s[:cols-3] + "..."
}

// wrap breaks ASCII text into at most maxLines lines of at most cols
// characters (cols >= 4), at spaces where it can; a word longer than a
// line is split. Text that does not fit ends the last line with "...".
func wrap(s string, cols, maxLines int) []string {
	var lines []string
	line := ""
	flush := func() {
		lines = append(lines, line)
		line = ""
	}
	for _, word := range strings.Fields(s) {
		if len(lines) > maxLines {
			break
		}
		for len(word) > cols {
			if line != "" {
				flush()
			}
			lines = append(lines, word[:cols])
			word = word[cols:]
		}
		switch {
		case line == "":
			line = word
		case len(line)+1+len(word) <= cols:
			line += " " + word
		default:
			flush()
			line = word
		}
	}
	if line != "" {
		flush()
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		last := lines[maxLines-1]
		if len(last)+3 > cols {
			last = last[:cols-3]
		}
		lines[maxLines-1] = last + "..."
	}
	return lines
}
