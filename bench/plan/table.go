package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

// table collects the figures and their targets.
type table struct {
	rows []row
	noop map[int]map[int]measure // files -> n -> no-op plan
}

type row struct {
	figure, measured, target, result string
}

func (t *table) add(figure, measured, target string, pass *bool) {
	r := row{figure: figure, measured: measured, target: target}
	if pass != nil {
		r.result = "MISS"
		if *pass {
			r.result = "PASS"
		}
	}
	t.rows = append(t.rows, r)
}

func ptr(b bool) *bool { return &b }

func (t *table) addNoop(n, files int, m measure) {
	if t.noop == nil {
		t.noop = map[int]map[int]measure{}
	}
	if t.noop[files] == nil {
		t.noop[files] = map[int]measure{}
	}
	t.noop[files][n] = m
	fig := fmt.Sprintf("no-op plan, %s images, %s", count(n), layoutName(files))
	got := fmt.Sprintf("%s; %s per 1,000 images", m, ms(perK(m.median(), n)))
	switch n {
	case 10000:
		t.add(fig, got, "≤ 0.3 s", ptr(m.median() <= targetNoop10k))
	case 100000:
		t.add(fig, got, "≤ 3 s, ≤ 500 MB", ptr(m.median() <= targetNoop100k && m.rssMB() <= targetRSS100kMB))
	default:
		t.add(fig, got, "", nil)
	}
}

func (t *table) addChanged(n, files int, m measure) {
	t.add(fmt.Sprintf("plan, one prompt changed among %s, %s", count(n), layoutName(files)),
		m.String(), "≤ 0.4 s", ptr(m.median() <= targetOneChanged))
}

// perK is d per 1,000 images of n.
func perK(d time.Duration, n int) time.Duration {
	return time.Duration(float64(d) * 1000 / float64(n))
}

// growth adds, per layout, the time per 1,000 images at each N.
func (t *table) growth() {
	for _, files := range []int{1, splitFiles} {
		byN := t.noop[files]
		if len(byN) < 2 {
			continue
		}
		var ns []int
		for n := range byN {
			ns = append(ns, n)
		}
		sort.Ints(ns)
		var parts []string
		for _, n := range ns {
			parts = append(parts, fmt.Sprintf("%s: %s", count(n), ms(perK(byN[n].median(), n))))
		}
		t.add("time per 1,000 images, "+layoutName(files), strings.Join(parts, ", "), "linear", nil)
	}
}

func (t *table) writeText(w io.Writer, cfg config) {
	t.growth()
	for _, r := range t.rows {
		fmt.Fprintf(w, "%-52s %-90s %-16s %s\n", r.figure, r.measured, r.target, r.result)
	}
	fmt.Fprintln(w, caption(cfg))
}

func (t *table) markdown(cfg config) []byte {
	var b bytes.Buffer
	b.WriteString("| figure | measured | target | result |\n|---|---|---|---|\n")
	for _, r := range t.rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.figure, r.measured, r.target, r.result)
	}
	fmt.Fprintf(&b, "\n%s\n", caption(cfg))
	return b.Bytes()
}

// caption says how the figures were measured.
func caption(cfg config) string {
	var ns []string
	for _, n := range cfg.counts {
		ns = append(ns, count(n))
	}
	load := "unknown"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return fmt.Sprintf("Measured with `go run ./bench/plan` (n=%s, %d runs each, median; whole `pixform plan` processes; %s, %s/%s, %d CPUs, load average %s at the end).",
		strings.Join(ns, ","), cfg.runs, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), load)
}
