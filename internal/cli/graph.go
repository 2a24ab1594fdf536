package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/pixform/pixform/spec"
)

func runGraph(e *env, args []string) int {
	fs := newFlags(e, "graph", "graph [-var NAME=VALUE]... [-var-file=FILE]...\n\n"+
		"Prints the dependency graph of the images as DOT: an edge from each image to\n"+
		"each image it references or depends on. Render it with Graphviz:\n"+
		"  pixform graph | dot -Tsvg > graph.svg")
	var vf varFlags
	vf.register(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return e.errorf("graph takes no arguments, but got %q. Use -chdir=DIR to graph another spec.", fs.Args())
	}
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
