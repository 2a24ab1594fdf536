package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// row is one figure of the table.
type row struct {
	figure, measured, target string
	result                   string // "PASS", "MISS", or "" when there is no target
}

type table struct {
	rows []row
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

func check(ok bool) *bool { return &ok }

func (t *table) addLatency(cfg config, mode string, r latencyResult) {
	id := ideal(cfg.n, cfg.p, cfg.latency)
	ratio := float64(r.wall) / float64(id)
	reqs := float64(r.counts.Total) / float64(cfg.n)
	ratioTarget, reqTarget := targetRatioPolling, targetReqsPolling
	if mode == "callbacks" {
		ratioTarget, reqTarget = targetRatioCallbacks, targetReqsCallbacks
	}
	t.add(mode+": wall time", r.wall.Round(time.Millisecond).String(), "", nil)
	t.add(mode+": ideal ceil(N/P)·L", id.String(), "", nil)
	t.add(mode+": wall / ideal", fmt.Sprintf("%.4f", ratio), fmt.Sprintf("≤ %.2f", ratioTarget), check(ratio <= ratioTarget))
	t.add(mode+": requests per image", fmt.Sprintf("%.2f (submit %d, query %d, download %d)",
		reqs, r.counts.Submit, r.counts.Query, r.counts.Download), fmt.Sprintf("≤ %.1f", reqTarget), check(reqs <= reqTarget))
}

func (t *table) addAmplification(cfg config, r outcome) {
	final := r.stateBytes + r.lockBytes
	amp := float64(r.written) / float64(final)
	t.add(fmt.Sprintf("state write amplification, N=%d", cfg.stateN),
		fmt.Sprintf("%.2f (%d written / %d state.json + %d lockfile)", amp, r.written, r.stateBytes, r.lockBytes),
		fmt.Sprintf("≤ %.0f", targetAmplification), check(amp <= targetAmplification))
}

func (t *table) addRSS(cfg config, r rssResult) {
	mb := float64(r.HWMKiB) / 1024
	t.add(fmt.Sprintf("peak RSS, %d images of %.1f MB", cfg.rssN, float64(r.Bytes)/(1<<20)),
		fmt.Sprintf("%.1f MB (apply %s)", mb, r.Wall.Round(time.Millisecond)),
		fmt.Sprintf("≤ %.0f MB", targetRSSMB), check(mb <= targetRSSMB))
}

// params describes the run, for the table's caption.
func params(cfg config) string {
	return fmt.Sprintf("N=%d, P=%d, L=%s, mode=%s, state-n=%d, rss-n=%d, rss-size=%d B; %s, %s/%s, %d CPUs, load average %s at the end",
		cfg.n, cfg.p, cfg.latency, cfg.mode, cfg.stateN, cfg.rssN, cfg.rssSize,
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), loadAverage())
}

// loadAverage is the 1-minute load average from /proc/loadavg, or "?":
// other work on the machine shows in the timed figures.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return "?"
	}
	return fields[0]
}

func (t *table) writeText(w io.Writer, cfg config) {
	fmt.Fprintln(w, params(cfg))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FIGURE\tMEASURED\tTARGET\tRESULT")
	for _, r := range t.rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.figure, r.measured, r.target, r.result)
	}
	tw.Flush()
}

// markdown renders the table for the README, with the command that made it.
func (t *table) markdown(cfg config) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "| figure | measured | target | result |\n|---|---|---|---|\n")
	for _, r := range t.rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", esc(r.figure), esc(r.measured), esc(r.target), r.result)
	}
	fmt.Fprintf(&b, "\nMeasured with `go run ./bench/apply` (%s).\n", params(cfg))
	return b.Bytes()
}

func esc(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
