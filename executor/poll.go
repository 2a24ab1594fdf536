package executor

import (
	"context"
	"sync"
	"time"

	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/spec"
)

// wait returns the task once it is final. It polls near the typical task
// time learnt so far and backs off after that; with a provider that receives
// callbacks it waits on the callback and polls only slowly, in case the
// callback is late or lost. A 404 within the grace period after submission
// means "not visible yet"; after it, errLost.
func (e *executor) wait(ctx context.Context, prov provider.Provider, a *spec.Asset, id string, submittedAt time.Time) (provider.Task, error) {
	key := prov.Kind() + " " + a.Model
	grace := e.grace(a.Provider)
	var notified <-chan provider.Task
	if n := notifier(prov); n != nil && a.CallbackURL == "" { // the image's own callback_url goes elsewhere
		notified = n.Wait(id)
		defer n.Forget(id)
	}
	delay, learn := e.tracker.first(key), true
	if s, ok := prov.(interface{ Synchronous() bool }); ok && s.Synchronous() {
		delay, learn = 0, false
	}
	if notified != nil {
		delay, learn = max(4*delay, 30*time.Second), false // a safety poll aims at nothing
	}
	if e.opts.Now().Sub(submittedAt) > delay {
		learn = false // resumed from an earlier apply: how long it runs is unknown
	}
	firstDelay := delay
	var waited time.Duration // since the wait began, by the timer
	first, last := true, provider.Status("")
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return provider.Task{}, ctx.Err()
		case t := <-notified:
			if t.Status.Final() {
				return t, nil
			}
			continue
		case <-timer.C:
		}
		waited += delay
		t, err := prov.Query(ctx, id)
		switch {
		case provider.KindOf(err) == provider.KindLost:
			return t, errLost
		case err != nil && provider.KindOf(err) == provider.KindNotFound:
			if e.opts.Now().Sub(submittedAt) > grace {
				return t, errLost
			}
		case err != nil:
			return t, err
		default:
			if t.Status != last {
				last = t.Status
				e.emit(Event{Kind: EventStatus, Addr: a.Addr, TaskID: id, Status: string(t.Status)})
			}
			if t.Status.Final() {
				if learn {
					e.tracker.observe(key, firstDelay, waited, first)
				}
				return t, nil
			}
		}
		delay = e.tracker.next(firstDelay, delay, first)
		if notified != nil {
			delay = max(delay, 30*time.Second)
		}
		first = false
		timer.Reset(delay)
	}
}

func (e *executor) grace(kind string) time.Duration {
	if p := e.plan.Providers[kind]; p != nil && p.NotFoundGrace > 0 {
		return p.NotFoundGrace
	}
	return e.opts.NotFoundGrace
}

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
// Each step is taken from what the task itself waited, not from the
// current estimate, so that tasks started together, which report the same
// outcome together, move the estimate once: stepping from the estimate, a
// hundred tasks of one wave would compound a hundred steps (1.1^100).
type tracker struct {
	mu       sync.Mutex
	est      map[string]time.Duration
	missed   map[string]bool // a first poll found a task running
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
	return &tracker{est: map[string]time.Duration{}, missed: map[string]bool{}, initial: initial, maxDelay: maxDelay}
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
}

// next is the delay before the next poll of a task still running, whose
// first poll waited first and whose last wait was prev.
func (t *tracker) next(first, prev time.Duration, afterFirst bool) time.Duration {
	if afterFirst {
		return min(max(first/8, minFirst), t.maxDelay)
	}
	return min(prev*3/2, t.maxDelay)
}

// notifier returns the provider's callback receiver, or nil when it has
// none configured.
func notifier(prov provider.Provider) provider.Notifier {
	if n, ok := prov.(provider.Notifier); ok && n.CallbackURL() != "" {
		return n
	}
	return nil
}
