package provider

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s with everything that could steer a terminal, forge a
// log line or hide text written as a Go escape: C0 and C1 control
// characters (ESC, BEL, CR, LF, CSI ...), DEL, format characters such as
// bidirectional overrides, line and paragraph separators, and invalid UTF-8.
// Text that comes from a service passes through it where it enters pixform,
// so that every output (terminal, log, -json, gallery) shows what was said
// and nothing it could do. Printable text is returned unchanged.
func Printable(s string) string {
	if isPrintable(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keep(r):
			b.WriteString(s[i : i+n])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += n
	}
	return b.String()
}

// isPrintable reports whether Printable would leave s as it is. An
// invalid byte decodes as utf8.RuneError, which keep refuses.
func isPrintable(s string) bool {
	for _, r := range s {
		if !keep(r) {
			return false
		}
	}
	return true
}

// keep reports whether r is shown as itself: a graphic character (letters,
// marks, numbers, punctuation, symbols, spaces) that is not a control.
func keep(r rune) bool {
	return unicode.IsGraphic(r) && r != utf8.RuneError
}
