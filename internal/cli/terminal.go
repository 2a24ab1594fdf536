package cli

import (
	"io"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal.
func (e *env) isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// color wraps s in an ANSI color when stdout is a terminal and color is on.
func (e *env) color(code, s string) string {
	if e.noColor || !e.isTerminal(e.stdout) {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
