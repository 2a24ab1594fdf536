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
	delay := e.tracker.first(key)
	if s, ok := prov.(interface{ Synchronous() bool }); ok && s.Synchronous() {
		delay = 0
	}
	if notified != nil {
		delay = max(4*delay, 30*time.Second)
	}
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
				if first {
					e.tracker.observe(key, true)
				}
				return t, nil
			}
		}
		if first {
			e.tracker.observe(key, false)
		}
		delay = e.tracker.next(key, delay, first)
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
// aims at the time by which most tasks are done. A first poll that finds the
// task done pulls the estimate in a little; one that finds it running pushes
// it out more, so it settles where about one first poll in six misses.
type tracker struct {
	mu       sync.Mutex
	est      map[string]time.Duration
	initial  time.Duration
	maxDelay time.Duration
}

func newTracker(initial, maxDelay time.Duration) *tracker {
	return &tracker{est: map[string]time.Duration{}, initial: initial, maxDelay: maxDelay}
}

func (t *tracker) first(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if d, ok := t.est[key]; ok {
		return d
	}
	return t.initial
}

// observe records the outcome of a first poll.
func (t *tracker) observe(key string, hit bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	d, ok := t.est[key]
	if !ok {
		d = t.initial
	}
	if hit {
		d = d * 98 / 100
	} else {
		d = d * 110 / 100
	}
	t.est[key] = min(max(d, 100*time.Millisecond), 2*time.Minute)
}

// next is the delay before the next poll of a task still running.
func (t *tracker) next(key string, prev time.Duration, afterFirst bool) time.Duration {
	if afterFirst {
		return max(t.first(key)/8, 100*time.Millisecond)
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
