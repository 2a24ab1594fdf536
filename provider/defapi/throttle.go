package defapi

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// recoverAfter is how long the limit stays lowered after a 429 before it
// is raised again, one doubling at a time.
const recoverAfter = 30 * time.Second

// throttle paces the requests of one client: a token bucket shared by all
// of them (none when the rate is 0), a pause every request honours after a
// 429's Retry-After, and a lowered rate after a 429 that recovers once the
// service has been quiet for a while.
type throttle struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	lim  *rate.Limiter // nil: unlimited
	base rate.Limit

	mu       sync.Mutex
	until    time.Time // no request starts before
	slowedAt time.Time // last 429
}

func newThrottle(perSecond float64, now func() time.Time, sleep func(context.Context, time.Duration) error) *throttle {
	t := &throttle{now: now, sleep: sleep}
	if perSecond > 0 {
		t.base = rate.Limit(perSecond)
		t.lim = rate.NewLimiter(t.base, 1)
	}
	return t
}

// wait blocks until a request may start, or ctx ends.
func (t *throttle) wait(ctx context.Context) error {
	t.mu.Lock()
	d := t.until.Sub(t.now())
	t.mu.Unlock()
	if d > 0 {
		if err := t.sleep(ctx, d); err != nil {
			return err
		}
	}
	if t.lim == nil {
		return ctx.Err()
	}
	return t.lim.Wait(ctx)
}

// slowDown records a 429: every request waits pause, and the rate halves
// (down to a sixteenth of the configured one).
func (t *throttle) slowDown(pause time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if u := now.Add(pause); u.After(t.until) {
		t.until = u
	}
	t.slowedAt = now
	if t.lim != nil {
		t.lim.SetLimit(max(t.lim.Limit()/2, t.base/16))
	}
}

// ok records a success: a lowered rate doubles back toward the configured
// one once no 429 came for recoverAfter.
func (t *throttle) ok() {
	if t.lim == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	cur := t.lim.Limit()
	if cur >= t.base {
		return
	}
	now := t.now()
	if now.Sub(t.slowedAt) >= recoverAfter {
		t.lim.SetLimit(min(cur*2, t.base))
		t.slowedAt = now
	}
}

// limit reports the current rate, for tests.
func (t *throttle) limit() rate.Limit {
	if t.lim == nil {
		return rate.Inf
	}
	return t.lim.Limit()
}
