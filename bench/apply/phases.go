package main

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/pixform/pixform/executor"
)

// phases times each image's way through an apply from its events: start
// to submitted (intent recorded, submit, id recorded), submitted to
// download (waiting on the task), download to done (download, fsync,
// rename, record), and the start of each image after the apply began
// (queueing behind the parallelism limit).
type phases struct {
	mu    sync.Mutex
	begin time.Time
	at    map[string]map[executor.EventKind]time.Time
}

func newPhases() *phases {
	return &phases{begin: time.Now(), at: map[string]map[executor.EventKind]time.Time{}}
}

func (p *phases) on(ev executor.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.at[ev.Addr]
	if m == nil {
		m = map[executor.EventKind]time.Time{}
		p.at[ev.Addr] = m
	}
	if _, ok := m[ev.Kind]; !ok {
		m[ev.Kind] = time.Now()
	}
}

// write prints mean, median, 90th percentile and max of each phase.
func (p *phases) write(w io.Writer, label string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	spans := []struct {
		name     string
		from, to executor.EventKind
	}{
		{"start->submitted", executor.EventStart, executor.EventSubmitted},
		{"submitted->final", executor.EventSubmitted, executor.EventDownload},
		{"final->done", executor.EventDownload, executor.EventDone},
		{"start->done", executor.EventStart, executor.EventDone},
	}
	fmt.Fprintf(w, "%s: per image      mean     p50      p90      max\n", label)
	for _, s := range spans {
		var ds []time.Duration
		for _, m := range p.at {
			a, okA := m[s.from]
			b, okB := m[s.to]
			if okA && okB {
				ds = append(ds, b.Sub(a))
			}
		}
		writeStats(w, label, s.name, ds)
	}
}

func writeStats(w io.Writer, label, name string, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	var total time.Duration
	for _, d := range ds {
		total += d
	}
	r := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	fmt.Fprintf(w, "%s:   %-16s %-8s %-8s %-8s %s\n", label, name,
		r(total/time.Duration(len(ds))), r(ds[len(ds)/2]), r(ds[len(ds)*9/10]), r(ds[len(ds)-1]))
}
