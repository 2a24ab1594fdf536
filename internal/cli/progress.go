package cli

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
)

// liveProgress returns the live display for an apply of p when stdout is a
// terminal and the plan generates something; otherwise false, and the
// caller keeps the plain printer.
func (e *env) liveProgress(p *planner.Plan, parallelism int) (applyReporter, bool) {
	if !e.isTerminal(e.stdout) {
		return nil, false
	}
	d, ok := newProgressDisplay(e, p, progressConfig{parallelism: parallelism})
	if !ok {
		return nil, false // not a typed nil in the interface
	}
	return d, true
}

// progressConfig sets up a progressDisplay; tests set width and
// autoRefresh to render into a buffer.
type progressConfig struct {
	parallelism int
	width       int  // 0: the terminal's
	autoRefresh bool // render even when out is not a terminal
}

// progressDisplay is the live display of an apply on a terminal: a header
// bar ("3 of 5 done, 2 in flight, 0 failed", ETA), one line per image in
// flight with its status, and above them a permanent line for each image
// that finished, failed or was skipped, moved or deleted.
//
// Events arrive one at a time (the executor serialises them); mpb renders
// from its own goroutines, reading counts under mu. mu is never held while
// calling into mpb, which may wait on a render that reads the counts.
type progressDisplay struct {
	cfg    progressConfig
	total  int           // images the plan generates
	pt     painter       // colors, unless -no-color or NO_COLOR
	plain  *eventPrinter // for the closing summary and "file:line" of failures
	p      *mpb.Progress // writes to the env's stdout
	header *mpb.Bar
	// addrWidth is the longest address the plan generates (at most 48),
	// to align the in-flight lines.
	addrWidth int

	mu       sync.Mutex
	counts   progressCounts
	inflight map[string]*flight // guarded by mu
}

// flight is one image in flight.
type flight struct {
	bar     *mpb.Bar
	started time.Time
	status  atomic.Pointer[string]
}

// newProgressDisplay starts the live display of an apply of p; false
// when p generates nothing (moves and deletes need no live display).
func newProgressDisplay(e *env, p *planner.Plan, cfg progressConfig) (*progressDisplay, bool) {
	total, width := 0, 0
	for _, ch := range p.Changes {
		if ch.Action.Pays() || ch.Candidates > 0 {
			total += max(ch.Candidates, 1) // each candidate is a task of its own (image.logo#2)
			width = max(width, min(len(ch.Addr)+3, 48))
		}
	}
	if total == 0 {
		return nil, false
	}
	opts := []mpb.ContainerOption{mpb.WithOutput(e.stdout), mpb.WithRefreshRate(120 * time.Millisecond)}
	if cfg.width > 0 {
		opts = append(opts, mpb.WithWidth(cfg.width))
	}
	if cfg.autoRefresh {
		opts = append(opts, mpb.WithAutoRefresh())
	}
	d := &progressDisplay{
		cfg:       cfg,
		total:     total,
		addrWidth: width,
		pt:        e.painter(),
		plain:     newEventPrinter(e).forPlan(p),
		p:         mpb.New(opts...),
		counts:    progressCounts{total: total, parallelism: cfg.parallelism},
		inflight:  map[string]*flight{},
	}
	d.header = d.p.New(int64(total),
		mpb.BarStyle().Lbound(" [").Rbound("] "),
		mpb.BarPriority(-1), // always on top
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return d.snapshot().headline(d.pt) })),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return d.snapshot().eta() })),
	)
	return d, true
}

// snapshot is the counts as they stand, with the age of the images in
// flight.
func (d *progressDisplay) snapshot() progressCounts {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.counts
	c.inflightAge = 0
	if mean := c.mean(); mean > 0 {
		for _, f := range d.inflight {
			c.inflightAge += min(time.Since(f.started), mean)
		}
	}
	return c
}

func (d *progressDisplay) event(ev executor.Event) {
	switch ev.Kind {
	case executor.EventStart:
		d.start(ev.Addr, "starting")
	case executor.EventSubmitted:
		d.setStatus(ev.Addr, "submitted")
	case executor.EventResumed:
		d.start(ev.Addr, "resumed")
		d.println("%s: %s", ev.Addr, ev.Message)
	case executor.EventStatus:
		d.setStatus(ev.Addr, statusLabel(ev.Status))
	case executor.EventDownload:
		d.setStatus(ev.Addr, "downloading")
	case executor.EventDone:
		d.finish(ev, func(c *progressCounts) { c.done++; c.elapsed += ev.Elapsed })
		d.println("%s: %s after %s (%s credits)", ev.Addr, d.pt.paint(colorAdded, "done"), ev.Elapsed.Round(100*time.Millisecond), credits(ev.Consumed))
	case executor.EventFailed:
		d.finish(ev, func(c *progressCounts) { c.failed++ })
		d.println("%s: %s: %s", d.plain.named(ev.Addr), d.pt.paint(colorRemoved, "failed"), ev.Message)
	case executor.EventSkipped:
		d.finish(ev, func(c *progressCounts) { c.skipped++ })
		d.println("%s: %s: %s", ev.Addr, d.pt.paint(colorChanged, "skipped"), ev.Message)
	case executor.EventMoved:
		d.println("%s: moved: %s", ev.Addr, ev.Message)
	case executor.EventDeleted:
		d.println("%s: deleted %s", ev.Addr, ev.Message)
	case executor.EventForgotten:
		d.println("%s: forgotten (%s)", ev.Addr, ev.Message)
	case executor.EventRestored:
		d.println("%s: %s", ev.Addr, ev.Message)
	case executor.EventWarning:
		d.println("%s: %s %s", ev.Addr, d.pt.paint(colorChanged, "warning:"), ev.Message)
	}
}

// statusLabel names a provider task status for the display.
func statusLabel(s string) string {
	switch s {
	case "pending":
		return "submitted" // created, waiting to be queued
	case "submitted":
		return "queued"
	case "in_progress":
		return "generating"
	case "success":
		return "finishing"
	case "":
		return "waiting"
	}
	return s
}

// start adds a line for an image that went in flight.
func (d *progressDisplay) start(addr, status string) {
	d.mu.Lock()
	if f := d.inflight[addr]; f != nil { // resumed after start: a new status only
		d.mu.Unlock()
		f.status.Store(&status)
		return
	}
	f := &flight{started: time.Now()}
	f.status.Store(&status)
	d.inflight[addr] = f
	d.counts.inflight++
	d.mu.Unlock()

	f.bar = d.p.New(0, mpb.NopStyle(),
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return d.line(addr, f) })),
	)
}

// spinner is the frames of the in-flight lines.
var spinner = []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")

// line is an in-flight image: "  ⠹ image.hero   generating   12s", the
// addresses padded to the longest of the plan.
func (d *progressDisplay) line(addr string, f *flight) string {
	since := time.Since(f.started)
	frame := spinner[int(since/(100*time.Millisecond))%len(spinner)]
	return fmt.Sprintf("  %c %-*s  %-11s  %s", frame, d.addrWidth, addr, *f.status.Load(), since.Truncate(time.Second))
}

func (d *progressDisplay) setStatus(addr, status string) {
	d.mu.Lock()
	f := d.inflight[addr]
	d.mu.Unlock()
	if f != nil {
		f.status.Store(&status)
	}
}

// finish counts an image that left the run (done, failed or skipped) and
// drops its line.
func (d *progressDisplay) finish(ev executor.Event, count func(*progressCounts)) {
	d.mu.Lock()
	f := d.inflight[ev.Addr]
	if f != nil {
		delete(d.inflight, ev.Addr)
		d.counts.inflight--
	}
	count(&d.counts)
	finished := d.counts.finished()
	d.mu.Unlock()
	if f != nil && f.bar != nil {
		f.bar.Abort(true)
	}
	d.header.SetCurrent(int64(finished))
}

// println prints a permanent line above the live display.
func (d *progressDisplay) println(format string, args ...any) {
	_, _ = fmt.Fprintf(d.p, format+"\n", args...)
}

// summary stops the display, leaving its last frame on screen, and prints
// the closing summary the plain printer prints.
func (d *progressDisplay) summary(s executor.Summary) {
	d.mu.Lock()
	left := make([]*flight, 0, len(d.inflight))
	for addr, f := range d.inflight {
		left = append(left, f)
		delete(d.inflight, addr)
	}
	d.counts.inflight = 0
	finished := d.counts.finished()
	d.mu.Unlock()
	for _, f := range left {
		f.bar.Abort(true)
	}
	if finished >= d.total {
		d.header.SetTotal(int64(d.total), true)
	} else {
		d.header.Abort(false) // stopped early: keep the header as it stands
	}
	d.p.Wait()
	d.plain.summary(s)
}
