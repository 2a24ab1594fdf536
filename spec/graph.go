package spec

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// graph is a dependency graph over string keys: an edge from a node to each
// node it depends on, with the source range of the first reference.
type graph struct {
	edges map[string]map[string]hcl.Range
}

func newGraph() *graph {
	return &graph{edges: map[string]map[string]hcl.Range{}}
}

func (g *graph) add(n string) {
	if g.edges[n] == nil {
		g.edges[n] = map[string]hcl.Range{}
	}
}

// edge records that from depends on to; the first range recorded is kept.
func (g *graph) edge(from, to string, rng hcl.Range) {
	g.add(from)
	g.add(to)
	if _, ok := g.edges[from][to]; !ok {
		g.edges[from][to] = rng
	}
}

func (g *graph) succ(n string) []string {
	out := make([]string, 0, len(g.edges[n]))
	for m := range g.edges[n] {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// components returns the strongly connected components of the graph,
// every component after those it depends on (Tarjan's algorithm, which
// emits them in that order). Iteration is sorted, so the result is
// deterministic.
func (g *graph) components() [][]string {
	nodes := make([]string, 0, len(g.edges))
	for n := range g.edges {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)

	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var out [][]string
	next := 0

	var visit func(n string)
	visit = func(n string) {
		index[n], low[n] = next, next
		next++
		stack = append(stack, n)
		onStack[n] = true
		for _, m := range g.succ(n) {
			if _, seen := index[m]; !seen {
				visit(m)
				low[n] = min(low[n], low[m])
			} else if onStack[m] {
				low[n] = min(low[n], index[m])
			}
		}
		if low[n] != index[n] {
			return
		}
		var comp []string
		for {
			m := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[m] = false
			comp = append(comp, m)
			if m == n {
				break
			}
		}
		sort.Strings(comp)
		out = append(out, comp)
	}
	for _, n := range nodes {
		if _, seen := index[n]; !seen {
			visit(n)
		}
	}
	return out
}

// cyclic tells whether a component is a cycle: several nodes, or one that
// depends on itself.
func (g *graph) cyclic(comp []string) bool {
	if len(comp) > 1 {
		return true
	}
	_, self := g.edges[comp[0]][comp[0]]
	return self
}

// cyclePath returns a shortest cycle through the first node of a cyclic
// component, starting and ending with it, and the range of its first edge.
func (g *graph) cyclePath(comp []string) ([]string, hcl.Range) {
	start := comp[0]
	in := map[string]bool{}
	for _, n := range comp {
		in[n] = true
	}
	prev := map[string]string{}
	queue := []string{start}
	seen := map[string]bool{}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, m := range g.succ(n) {
			if !in[m] {
				continue
			}
			if m == start {
				path := []string{start}
				for c := n; c != start; c = prev[c] {
					path = append(path, c)
				}
				// path holds start then the nodes back from n; put them in edge order.
				rest := path[1:]
				for i, j := 0, len(rest)-1; i < j; i, j = i+1, j-1 {
					rest[i], rest[j] = rest[j], rest[i]
				}
				path = append(path, start)
				return path, g.edges[start][path[1]]
			}
			if !seen[m] {
				seen[m] = true
				prev[m] = n
				queue = append(queue, m)
			}
		}
	}
	return []string{start, start}, g.edges[start][start]
}

// cycleDiag is the one diagnostic reporting a cyclic component.
func (g *graph) cycleDiag(comp []string) *hcl.Diagnostic {
	path, rng := g.cyclePath(comp)
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Dependency cycle",
		Detail: "These references form a cycle: " + strings.Join(path, " -> ") +
			". Nothing can be evaluated or generated before what it depends on, so remove one of these references.",
		Subject: rng.Ptr(),
	}
}
