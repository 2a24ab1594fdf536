package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/pixform/pixform/spec"
)

func runGraph(e *env, args []string) int {
	a, err := parseGraph(args)
	if err != nil {
		return e.argError(err)
	}
	vf := a.vars
	sp, err := e.loadSpec(vf)
	if err != nil {
		return e.fail(err)
	}
	writeDOT(e.stdout, sp.Assets)
	return ExitOK
}

// writeDOT writes the assets and their dependencies as a DOT digraph: the
// nodes, then the edges, each sorted by address, so the output is the same
// on every run.
func writeDOT(w io.Writer, assets []*spec.Asset) {
	fmt.Fprintln(w, "digraph pixform {")
	for _, a := range assets {
		fmt.Fprintf(w, "  %s;\n", dotID(a.Addr))
	}
	for _, a := range assets {
		for _, d := range a.DependsOn {
			fmt.Fprintf(w, "  %s -> %s;\n", dotID(a.Addr), dotID(d))
		}
	}
	fmt.Fprintln(w, "}")
}

// dotID quotes an address as a DOT identifier.
func dotID(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
