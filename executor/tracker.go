package executor

import (
	"context"
	"sync"
	"time"
)

// tracker learns, per provider and model, when to poll a task first: it
// aims at the time by which most tasks are done. A task found done at its
// first poll pulls the estimate in a little, below the delay it waited; one
// found running pushes it out to when a later poll found it done (an eighth
// later at least, see next; a quarter at most, so that one slow task does
// not delay the first polls of many), so it settles where about one first
// poll in seven misses. The first estimate is a guess (Options.PollFirst):
// when it is too early, the first task that completes replaces it; when
// it may be too late (no first poll has found a task running yet), each
// first poll that finds its task done halves it.
//
// Until something is learnt for a key, one task at a time scouts: it
// polls from the guess on, backing off, and the tasks started meanwhile
// wait for what it learns instead of each paying the same early polls (a
// wave of a hundred tasks would pay a few hundred). A task that waits
// longer than its patience polls on its own, so that one slow scout delays
// the others' first polls by that much at most.
//
// Each step is taken from what the task itself waited, not from the
// current estimate, so that tasks started together, which report the same
// outcome together, move the estimate once: stepping from the estimate, a
// hundred tasks of one wave would compound a hundred steps (1.1^100).
type tracker struct {
	mu       sync.Mutex
	est      map[string]time.Duration
	missed   map[string]bool // a first poll found a task running
	scouts   map[string]*scout
	initial  time.Duration
	maxDelay time.Duration
}

// The steps of the estimate, and its bounds.
const (
	hitStep  = 0.98 // a first poll found the task done: aim this much earlier than it waited
	maxGrow  = 1.25 // it found the task running: aim when it was found done, at most this much later
	minFirst = 100 * time.Millisecond
	maxFirst = 2 * time.Minute
)

func newTracker(initial, maxDelay time.Duration) *tracker {
	return &tracker{est: map[string]time.Duration{}, missed: map[string]bool{}, scouts: map[string]*scout{}, initial: initial, maxDelay: maxDelay}
}

func (t *tracker) first(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if d, ok := t.est[key]; ok {
		return d
	}
	return t.initial
}

// observe records a task found done: its first poll waited first, the
// poll that found it done waited done since the wait began, and hit tells
// whether that was the first poll.
func (t *tracker) observe(key string, first, done time.Duration, hit bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	d, learnt := t.est[key]
	earlier := time.Duration(float64(first) * hitStep)
	if !t.missed[key] {
		earlier = first / 2 // the guess may be far too late
	}
	switch {
	case hit && learnt:
		d = min(d, earlier)
	case hit:
		d = earlier
	case learnt:
		d = max(d, min(done, time.Duration(float64(first)*maxGrow)))
	default: // the guess was too early: the first completion replaces it
		d = done
	}
	if !hit {
		t.missed[key] = true
	}
	t.est[key] = min(max(d, minFirst), maxFirst)
	if sc := t.scouts[key]; sc != nil {
		close(sc.news)
		delete(t.scouts, key)
	}
}

// scout is the one task polling for a key of which nothing is learnt yet.
type scout struct {
	busy bool          // a task is scouting
	news chan struct{} // closed when an estimate is learnt or the scout leaves
}

// await returns when a task should go on to its first poll, after waited:
// with the estimate learnt for key (first), as the scout (first is the
// guess, and the task must call leave when it is done), or, after
// patience, on its own (first is 0: poll now).
func (t *tracker) await(ctx context.Context, key string, patience time.Duration) (first, waited time.Duration, scouting bool, err error) {
	start := time.Now()
	timer := time.NewTimer(patience)
	defer timer.Stop()
	for {
		t.mu.Lock()
		if d, ok := t.est[key]; ok {
			t.mu.Unlock()
			return d, time.Since(start), false, nil
		}
		sc := t.scouts[key]
		if sc == nil {
			sc = &scout{news: make(chan struct{})}
			t.scouts[key] = sc
		}
		if !sc.busy {
			sc.busy = true
			t.mu.Unlock()
			return t.initial, time.Since(start), true, nil
		}
		news := sc.news
		t.mu.Unlock()
		select {
		case <-ctx.Done():
			return 0, time.Since(start), false, ctx.Err()
		case <-timer.C:
			return 0, time.Since(start), false, nil
		case <-news:
		}
	}
}

// leave ends a scout's turn; when it learnt nothing (its task failed to
// answer, or the apply stopped), the next waiting task takes over.
func (t *tracker) leave(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if sc := t.scouts[key]; sc != nil && sc.busy {
		sc.busy = false
		close(sc.news)
		sc.news = make(chan struct{})
	}
}

// next is the delay before the next poll of a task still running, whose
// first poll waited first and whose last wait was prev.
func (t *tracker) next(first, prev time.Duration, afterFirst bool) time.Duration {
	if afterFirst {
		return min(max(first/8, minFirst), t.maxDelay)
	}
	return min(prev*3/2, t.maxDelay)
}
