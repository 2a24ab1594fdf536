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
