package cli

import (
	"fmt"
	"time"
)

// progressCounts is where an apply stands, as the live display shows it.
type progressCounts struct {
	total, parallelism    int
	done, failed, skipped int
	inflight              int
	elapsed               time.Duration // summed over the images done
	// inflightAge is how long the images in flight have run, summed, each
	// counted up to the mean duration of the images done.
	inflightAge time.Duration
}

// mean is the mean duration of the images done; 0 before the first.
func (c progressCounts) mean() time.Duration {
	if c.done == 0 {
		return 0
	}
	return c.elapsed / time.Duration(c.done)
}

// finished is how many images left the run, whatever the outcome.
func (c progressCounts) finished() int { return c.done + c.failed + c.skipped }

// headline is "3 of 5 done, 2 in flight, 0 failed" (and the skipped, if
// any); pt colors the failures.
func (c progressCounts) headline(pt painter) string {
	s := fmt.Sprintf("%d of %d done, %d in flight, ", c.done, c.total, c.inflight)
	failed := fmt.Sprintf("%d failed", c.failed)
	if c.failed > 0 {
		failed = pt.paint(colorRemoved, failed)
	}
	s += failed
	if c.skipped > 0 {
		s += fmt.Sprintf(", %d skipped", c.skipped)
	}
	return s
}

// eta estimates the time left from the images done so far: their mean
// duration times the images left, less what those in flight have already
// run, over the images that run at once.
func (c progressCounts) eta() string {
	left := c.total - c.finished()
	switch {
	case left <= 0:
		return "finished"
	case c.done == 0:
		return "ETA --"
	}
	lanes := min(max(c.parallelism, 1), left)
	work := max(c.mean()*time.Duration(left)-c.inflightAge, 0)
	eta := work / time.Duration(lanes)
	if eta < time.Second {
		return "ETA <1s"
	}
	return "ETA " + eta.Round(time.Second).String()
}
