package spec

import (
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// maxNesting bounds how deep brackets may nest in a source: the HCL parser
// recurses once per level (and a level costs it several frames), so a
// source nested 100,000 deep overflows the Go stack, which no recover
// catches. Real specs nest a handful of levels.
const maxNesting = 256

// checkSource refuses, before HCL parses it, a source that is not UTF-8
// (HCL would cut the string at the bad byte, so that a prompt reads as
// empty) or that nests brackets deeper than maxNesting. It is one pass over
// the bytes, next to nothing beside parsing them.
func checkSource(src []byte, filename string) hcl.Diagnostics {
	pos := hcl.Pos{Line: 1, Column: 1}
	depth := 0
	for pos.Byte < len(src) {
		c := src[pos.Byte]
		size := 1
		if c >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRune(src[pos.Byte:])
			if r == utf8.RuneError && size == 1 {
				return sourceDiag(filename, pos, "Invalid UTF-8",
					fmt.Sprintf("The byte 0x%02X at line %d, column %d is not UTF-8 text. Spec files must be UTF-8: save the file as UTF-8 in your editor (text pasted from another encoding, such as Latin-1 or Windows-1252, does this).", c, pos.Line, pos.Column))
			}
		}
		switch c {
		case '(', '[', '{':
			depth++
			if depth > maxNesting {
				return sourceDiag(filename, pos, "Nesting too deep",
					fmt.Sprintf("Brackets, parentheses and braces nest more than %d levels deep here. pixform refuses to parse such an expression; write it in steps, with local values.", maxNesting))
			}
		case ')', ']', '}':
			if depth > 0 { // one in a string or a comment may close nothing
				depth--
			}
		}
		pos.Byte += size
		if c == '\n' {
			pos.Line, pos.Column = pos.Line+1, 1
		} else {
			pos.Column++
		}
	}
	return nil
}

func sourceDiag(filename string, pos hcl.Pos, summary, detail string) hcl.Diagnostics {
	end := pos
	end.Byte++
	end.Column++
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   detail,
		Subject:  &hcl.Range{Filename: filename, Start: pos, End: end},
	}}
}
