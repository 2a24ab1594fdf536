package cli

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
)

// fivePlan generates image.icon[0] .. image.icon[4].
func fivePlan() *planner.Plan {
	p := &planner.Plan{}
	for i := range 5 {
		addr := fmt.Sprintf("image.icon[%d]", i)
		p.Changes = append(p.Changes, planner.Change{Addr: addr, Action: planner.Create, Asset: &spec.Asset{Addr: addr}})
	}
	return p
}

// lifecycle is the events of one image that lands.
func lifecycle(addr string, elapsed time.Duration) []executor.Event {
	return []executor.Event{
		{Kind: executor.EventStart, Addr: addr},
		{Kind: executor.EventSubmitted, Addr: addr, TaskID: "ta-" + addr},
		{Kind: executor.EventStatus, Addr: addr, Status: "pending"},
		{Kind: executor.EventStatus, Addr: addr, Status: "submitted"},
		{Kind: executor.EventStatus, Addr: addr, Status: "in_progress"},
		{Kind: executor.EventDownload, Addr: addr},
		{Kind: executor.EventDone, Addr: addr, Consumed: 0.5, Elapsed: elapsed},
	}
}

// runDisplay feeds events into a live display that renders into a buffer
// and returns all it wrote.
func runDisplay(t *testing.T, e *env, events []executor.Event, sum executor.Summary) string {
	t.Helper()
	var buf bytes.Buffer
	e.stdout = &buf
	d, ok := newProgressDisplay(e, fivePlan(), progressConfig{parallelism: 2, width: 100, autoRefresh: true})
	if !ok {
		t.Fatal("newProgressDisplay: got no display for a plan that generates 5 images")
	}
	for _, ev := range events {
		d.event(ev)
	}
	d.summary(sum)
	return buf.String()
}

func TestProgressDisplay(t *testing.T) {
	var all []executor.Event
	for i := range 5 {
		all = append(all, lifecycle(fmt.Sprintf("image.icon[%d]", i), 2*time.Second)...)
	}
	var mixed []executor.Event
	for i := range 3 {
		mixed = append(mixed, lifecycle(fmt.Sprintf("image.icon[%d]", i), time.Second)...)
	}
	mixed = append(mixed,
		executor.Event{Kind: executor.EventStart, Addr: "image.icon[3]"},
		executor.Event{Kind: executor.EventFailed, Addr: "image.icon[3]", Message: "task ta-3 failed: policy"},
		executor.Event{Kind: executor.EventSkipped, Addr: "image.icon[4]", Message: "not started: image.icon[3] failed"},
	)
	stopped := append(lifecycle("image.icon[0]", time.Second), lifecycle("image.icon[1]", time.Second)...)
	stopped = append(stopped,
		executor.Event{Kind: executor.EventStart, Addr: "image.icon[2]"},
		executor.Event{Kind: executor.EventSubmitted, Addr: "image.icon[2]"},
	)

	tests := []struct {
		name   string
		events []executor.Event
		sum    executor.Summary
		want   []string
	}{
		{
			name:   "all done",
			events: all,
			sum:    executor.Summary{Generated: 5, Consumed: 2.5},
			want: []string{
				"5 of 5 done, 0 in flight, 0 failed", "finished",
				"image.icon[0]: done after 2s (0.5 credits)", "image.icon[4]: done after 2s",
				"Apply complete: 5 generated, 0 failed",
			},
		},
		{
			name:   "a failure skips its dependent",
			events: mixed,
			sum:    executor.Summary{Generated: 3, Failed: 1, Skipped: 1, Failures: []executor.Failure{{Addr: "image.icon[3]", Err: errors.New("task ta-3 failed: policy")}}},
			want: []string{
				"3 of 5 done, 0 in flight, 1 failed, 1 skipped",
				"image.icon[3]: failed: task ta-3 failed: policy",
				"image.icon[4]: skipped: not started: image.icon[3] failed",
				"Apply complete: 3 generated, 1 failed, 1 skipped",
			},
		},
		{
			name:   "stopped with an image in flight",
			events: stopped,
			sum:    executor.Summary{Generated: 2, Stopped: true},
			want:   []string{"2 of 5 done, 0 in flight, 0 failed", "Apply stopped before the end"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runDisplay(t, &env{noColor: true}, tt.events, tt.sum)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("got output without %q:\n%s", w, got)
				}
			}
			if strings.Contains(got, "\x1b[") {
				t.Errorf("got an escape code with color off, want none:\n%q", got)
			}
		})
	}
}

func TestProgressDisplayColor(t *testing.T) {
	got := runDisplay(t, &env{forceColor: true}, lifecycle("image.icon[0]", time.Second), executor.Summary{Generated: 1})
	if want := "\x1b[32mdone\x1b[0m"; !strings.Contains(got, want) {
		t.Errorf("got %q, want it to contain %q", got, want)
	}
}

func TestProgressStatuses(t *testing.T) {
	var buf bytes.Buffer
	d, _ := newProgressDisplay(&env{stdout: &buf, noColor: true}, fivePlan(), progressConfig{parallelism: 2, width: 80, autoRefresh: true})
	const addr = "image.icon[0]"
	steps := []struct {
		ev   executor.Event
		want string
	}{
		{executor.Event{Kind: executor.EventStart, Addr: addr}, "starting"},
		{executor.Event{Kind: executor.EventSubmitted, Addr: addr}, "submitted"},
		{executor.Event{Kind: executor.EventStatus, Addr: addr, Status: "pending"}, "submitted"},
		{executor.Event{Kind: executor.EventStatus, Addr: addr, Status: "submitted"}, "queued"},
		{executor.Event{Kind: executor.EventStatus, Addr: addr, Status: "in_progress"}, "generating"},
		{executor.Event{Kind: executor.EventDownload, Addr: addr}, "downloading"},
		{executor.Event{Kind: executor.EventResumed, Addr: addr, Message: "resuming task ta-1"}, "resumed"},
	}
	for _, s := range steps {
		d.event(s.ev)
		d.mu.Lock()
		f := d.inflight[addr]
		d.mu.Unlock()
		if f == nil {
			t.Fatalf("after %s: got %s not in flight", s.ev.Kind, addr)
		}
		if got := *f.status.Load(); got != s.want {
			t.Errorf("after %s %s: got status %q, want %q", s.ev.Kind, s.ev.Status, got, s.want)
		}
	}
	if got, want := d.snapshot().inflight, 1; got != want {
		t.Errorf("got %d in flight, want %d", got, want)
	}
	d.summary(executor.Summary{Stopped: true})
}

func TestProgressETA(t *testing.T) {
	tests := []struct {
		name string
		c    progressCounts
		want string
	}{
		{"nothing done yet", progressCounts{total: 5, parallelism: 2}, "ETA --"},
		{"3 left on 2 lanes", progressCounts{total: 5, parallelism: 2, done: 2, elapsed: 8 * time.Second}, "ETA 6s"},
		{"fewer left than lanes", progressCounts{total: 5, parallelism: 10, done: 4, elapsed: 8 * time.Second}, "ETA 2s"},
		{"failures count as finished", progressCounts{total: 5, parallelism: 1, done: 3, failed: 1, elapsed: 3 * time.Second}, "ETA 1s"},
		{"less what is in flight", progressCounts{total: 5, parallelism: 2, done: 2, elapsed: 8 * time.Second, inflightAge: 2 * time.Second}, "ETA 5s"},
		{"the last one overdue", progressCounts{total: 5, parallelism: 2, done: 4, elapsed: 8 * time.Second, inflightAge: 2 * time.Second}, "ETA <1s"},
		{"under a second", progressCounts{total: 5, parallelism: 4, done: 4, elapsed: time.Second}, "ETA <1s"},
		{"all finished", progressCounts{total: 5, done: 4, skipped: 1, elapsed: time.Second}, "finished"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.c.eta()); diff != "" {
				t.Errorf("eta: got %q, want %q", tt.c.eta(), tt.want)
			}
		})
	}
}

func TestLiveProgressOnlyOnATerminal(t *testing.T) {
	e := &env{stdout: &bytes.Buffer{}}
	if _, ok := e.liveProgress(fivePlan(), 10); ok {
		t.Errorf("liveProgress into a buffer: got a live display, want the plain printer")
	}
}
