package executor

import (
	"context"
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
	var waited time.Duration // since the wait began, by the timer
	if learn {
		first, w, scouting, err := e.tracker.await(ctx, key, e.opts.PollMax)
		if err != nil {
			return provider.Task{}, err
		}
		if scouting {
			defer e.tracker.leave(key)
		}
		waited, delay = w, max(first-w, 0)
	}
	firstDelay := waited + delay
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

// notifier returns the provider's callback receiver, or nil when it has
// none configured.
func notifier(prov provider.Provider) provider.Notifier {
	if n, ok := prov.(provider.Notifier); ok && n.CallbackURL() != "" {
		return n
	}
	return nil
}
