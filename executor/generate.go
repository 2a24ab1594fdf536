package executor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

var (
	errBudget = errors.New("not submitted: the -max-credits budget is reached (credits consumed plus the estimates of tasks in flight); raise -max-credits to go on")
	errLost   = errors.New("task lost")
)

// maxResubmits bounds how often one apply resubmits an image whose task the
// service lost.
const maxResubmits = 2

// generate makes one image: resume or submit its task, wait for it, write
// the image and record it. A failure stays with the image: everything that
// does not depend on it goes on.
func (e *executor) generate(ctx context.Context, ch *planner.Change) result {
	a := ch.Asset
	res := func(o outcome, err error) result { return result{addr: a.Addr, outcome: o, err: err} }
	if err := ctx.Err(); err != nil {
		return res(skipped, fmt.Errorf("not started: apply was interrupted: %w", err))
	}
	prov := e.opts.Providers[a.Provider]
	if prov == nil {
		return res(failed, fmt.Errorf("no provider %q is configured", a.Provider))
	}
	// The image holds a slot while its task is at the service: from before
	// its request is built (reference images are read into it) until the task
	// is final.
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		return res(skipped, fmt.Errorf("not started: apply was interrupted: %w", ctx.Err()))
	}
	held := true
	freeSlot := func() {
		if held {
			held = false
			<-e.slots
		}
	}
	defer freeSlot()
	started := e.opts.Now()
	e.emit(Event{Kind: EventStart, Addr: a.Addr})
	// Generated from its current inputs, ignore_changes or not, the image
	// is recorded with them (planner.Change.Inputs says the same).
	req, inputs, fp, err := e.request(a)
	if err != nil {
		return res(failed, err)
	}
	if ch.Fingerprint != "" && fp != ch.Fingerprint {
		return res(failed, &StaleError{Addr: a.Addr, Planned: ch.Fingerprint, Got: fp})
	}

	taskID, submittedAt, counted, err := e.resumable(a, fp)
	if err != nil {
		return res(failed, err)
	}
	booked := false // this apply's submit booked ch.Cost against the budget
	for resubmits := 0; ; resubmits++ {
		if taskID == "" {
			// A saved plan checked the output's directories when it was made;
			// one swapped for an escaping link since is refused before paying.
			if err := e.inside(e.path(a.Output)); err != nil {
				return res(failed, fmt.Errorf("not submitted: %w", err))
			}
			if taskID, err = e.submit(ctx, prov, a.Addr, fp, a.Model, ch.Cost, req); err != nil {
				if errors.Is(err, context.Canceled) || isStopped(err) {
					return res(skipped, err)
				}
				return res(failed, err)
			}
			submittedAt, booked, counted = e.opts.Now(), true, false
		}
		task, err := e.wait(ctx, prov, a, taskID, submittedAt)
		consumed := 0.0
		if err == nil && !counted { // a task's credits count once, in the first apply that sees it final
			consumed = task.Consumed
		}
		// What the task consumed replaces its booking before the slot goes
		// to the next submission, which the budget must see.
		e.settle(booked, ch.Cost, consumed)
		booked = false
		if !errors.Is(err, errLost) {
			freeSlot() // final or given up: the slot goes to the next submission
		}
		if errors.Is(err, errLost) && resubmits < maxResubmits {
			e.emit(Event{Kind: EventWarning, Addr: a.Addr, TaskID: taskID, Message: fmt.Sprintf("task %s is still unknown to the service after the grace period: submitting again", taskID)})
			if err := e.opts.Store.RecordAbandoned(a.Addr); err != nil {
				return res(failed, err)
			}
			e.settled(a.Addr)
			taskID = ""
			continue
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return res(skipped, fmt.Errorf("interrupted while waiting: task %s: %s: %w", taskID, e.whereKept(a.Addr, taskID), err))
			}
			return res(failed, fmt.Errorf("wait for task %s: %w (%s)", taskID, err, e.whereKept(a.Addr, taskID)))
		}
		if o, err := e.finish(ctx, prov, ch, task, fp, inputs, started); o != ok || err != nil {
			if consumed > 0 {
				// Best effort: should it fail too, the next apply that
				// resumes the task counts its credits again.
				_ = e.opts.Store.RecordCounted(a.Addr)
			}
			return res(o, err)
		}
		e.settled(a.Addr)
		e.emit(Event{Kind: EventDone, Addr: a.Addr, TaskID: taskID, Consumed: consumed, Elapsed: e.opts.Now().Sub(started)})
		return res(ok, nil)
	}
}

// resumable returns the task to wait on instead of submitting, when there
// is one: given by -resume-task, or recorded by an earlier apply for these
// inputs; counted tells that an earlier apply counted its credits. It
// refuses to submit an image again that an earlier apply gave up on after
// lost answers, unless the user allowed it.
func (e *executor) resumable(a *spec.Asset, fp string) (taskID string, submittedAt time.Time, counted bool, err error) {
	if id := e.opts.ResumeTasks[a.Addr]; id != "" {
		e.emit(Event{Kind: EventResumed, Addr: a.Addr, TaskID: id, Message: "resuming task " + id + " (given with -resume-task), paid for by an earlier apply"})
		prov := e.opts.Providers[a.Provider]
		now := e.opts.Now()
		rerr := e.opts.Store.RecordIntent(state.Pending{Addr: a.Addr, Fingerprint: fp, Provider: prov.Kind(), Model: a.Model, IntentAt: now})
		if rerr == nil {
			rerr = e.opts.Store.RecordSubmitted(a.Addr, id, now)
		}
		if rerr == nil {
			rerr = e.opts.Store.RecordCounted(a.Addr)
		}
		if rerr != nil {
			e.keep(a.Addr, id, rerr)
		}
		return id, now, true, nil
	}
	pend := e.pending[a.Addr]
	switch {
	case pend == nil:
	case pend.TaskID != "" && pend.Fingerprint == fp:
		e.emit(Event{Kind: EventResumed, Addr: a.Addr, TaskID: pend.TaskID, Message: "resuming task " + pend.TaskID + " from an earlier apply"})
		return pend.TaskID, pend.SubmittedAt, pend.Counted, nil
	case pend.TaskID != "":
		e.emit(Event{Kind: EventWarning, Addr: a.Addr, Message: "task " + pend.TaskID + " of an earlier apply had other inputs: it is abandoned"})
	case pend.Ambiguous && pend.Fingerprint == fp && !e.mayResubmit(a.Addr):
		return "", time.Time{}, false, fmt.Errorf("not submitted: an earlier apply gave up on this image after the answers to its submissions were lost (%w); "+
			"check the service's task list, then apply with -replace=%s (or -resubmit-ambiguous for every such image) to submit it again", ErrAmbiguous, a.Addr)
	case pend.Ambiguous:
		e.emit(Event{Kind: EventWarning, Addr: a.Addr, Message: "an earlier apply gave up on this image after the answers to its submissions were lost: the service may have charged for them; submitting again as asked, so it may be paid again"})
	case pend.Unsent: // its last request was refused (429): nothing was accepted
	default:
		e.emit(Event{Kind: EventWarning, Addr: a.Addr, Message: "an earlier apply stopped while submitting this image: the service may have accepted that submission (and charged for it) without pixform learning its task id; submitting again"})
	}
	return "", time.Time{}, false, nil
}

// submit records the intent, submits, and records the task id the moment it
// arrives: the only window in which a crash can pay twice is the request.
func (e *executor) submit(ctx context.Context, prov provider.Provider, addr, fp, model string, cost float64, req provider.Request) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("not submitted: apply was interrupted: %w", err)
	}
	if refused := e.authErr.Load(); refused != nil {
		return "", &StoppedError{Kind: provider.KindOf(*refused)}
	}
	if !e.reserve(cost) {
		return "", errBudget
	}
	// A submission in flight is finished even after Ctrl-C: cancelling it
	// could leave a task the service accepted and pixform never recorded.
	sctx, err := e.intent(context.WithoutCancel(ctx), prov, state.Pending{Addr: addr, Fingerprint: fp, Provider: prov.Kind(), Model: model, IntentAt: e.opts.Now()})
	if err != nil {
		e.release(cost) // not submitted: the booking must not shrink the budget of the others
		return "", err
	}
	id, err := prov.Submit(sctx, req)
	for try := 1; err != nil && isAmbiguous(err) && try < ambiguousSubmits && ctx.Err() == nil; try++ {
		e.emit(Event{Kind: EventWarning, Addr: addr, Message: fmt.Sprintf("the answer to its submission was lost (%v): the service may have accepted it, and charged for it, without pixform learning the task id; submitting again, so this image may be paid twice", err)})
		if !sleep(ctx, time.Duration(try)*time.Second) {
			break
		}
		id, err = prov.Submit(sctx, req)
	}
	if err != nil {
		e.release(cost)
		var ie *intentError
		if errors.As(err, &ie) {
			return "", ie.err // the intent could not be recorded: nothing was sent
		}
	}
	if err != nil && isAmbiguous(err) {
		// The intent stays recorded, marked: the next apply submits the
		// image again only when told to.
		if rerr := e.opts.Store.RecordAmbiguous(addr); rerr != nil {
			return "", fmt.Errorf("%w (%w; recording that failed too: %w)", err, ErrAmbiguous, rerr)
		}
		return "", fmt.Errorf("%w (%w); the next apply does not submit it again unless told to: "+
			"check the service's task list, then apply with -replace=%s or -resubmit-ambiguous", err, ErrAmbiguous, addr)
	}
	if err != nil {
		if rerr := e.opts.Store.RecordAbandoned(addr); rerr != nil {
			return "", rerr
		}
		if provider.KindOf(err) == provider.KindAccount { // no submission can succeed: stop them
			e.authErr.CompareAndSwap(nil, &err)
			return "", err
		}
		if provider.KindOf(err) == provider.KindAuth {
			e.authErr.CompareAndSwap(nil, &err)
			return "", err
		}
		return "", err // a *provider.Error, which names its operation
	}
	e.emit(Event{Kind: EventSubmitted, Addr: addr, TaskID: id})
	if err := e.opts.Store.RecordSubmitted(addr, id, e.opts.Now()); err != nil {
		// A known task id is never dropped: it is awaited in memory, and
		// named at the end if its image does not land.
		e.keep(addr, id, err)
		e.emit(Event{Kind: EventWarning, Addr: addr, TaskID: id, Message: fmt.Sprintf("task %s could not be recorded (%v): it is awaited all the same; "+
			"should its image not land, apply again with -resume-task=%s=%s to resume it without paying again", id, err, addr, id)})
	}
	return id, nil
}

// intent records that a submission is about to leave, so that an apply
// killed before it learns the task id can name the image whose submission
// may have been accepted. With a provider that traces its submissions it
// is recorded when a request is about to leave, and marked unsent after a
// request the service certainly did not accept (a 429), so that only
// requests that may have been accepted are named; otherwise it is recorded
// now. It returns the context to submit with.
func (e *executor) intent(ctx context.Context, prov provider.Provider, p state.Pending) (context.Context, error) {
	if t, ok := prov.(provider.SubmitTracer); !ok || !t.TracesSubmits() {
		return ctx, e.opts.Store.RecordIntent(p)
	}
	return provider.WithSubmitTrace(ctx, &provider.SubmitTrace{
		Sending: func() error {
			if err := e.opts.Store.RecordIntent(p); err != nil {
				return &intentError{err}
			}
			return nil
		},
		// Best effort: should it fail, the intent stays, naming a
		// submission that may have been accepted.
		Refused: func() { _ = e.opts.Store.RecordUnsent(p.Addr) },
	}), nil
}

// intentError is a failure to record an intent, through the provider.
type intentError struct{ err error }

func (e *intentError) Error() string { return e.err.Error() }
func (e *intentError) Unwrap() error { return e.err }

// finish turns a final task into a written, recorded image.
func (e *executor) finish(ctx context.Context, prov provider.Provider, ch *planner.Change, task provider.Task, fp string, inputs map[string]string, started time.Time) (outcome, error) {
	a := ch.Asset
	if task.Status == provider.StatusFailed || len(task.Images) == 0 {
		if err := e.opts.Store.RecordAbandoned(a.Addr); err != nil {
			return failed, err
		}
		e.settled(a.Addr) // nothing to resume
		switch {
		case task.Status == provider.StatusFailed:
			return failed, &TaskFailedError{TaskID: task.ID, Reason: task.Reason}
		case len(task.Texts) > 0:
			return failed, &TextAnswerError{TaskID: task.ID, Text: strings.Join(task.Texts, " ")}
		default:
			return failed, fmt.Errorf("task %s succeeded without an image", task.ID)
		}
	}
	e.emit(Event{Kind: EventDownload, Addr: a.Addr, TaskID: task.ID})
	sum, err := e.download(ctx, prov, a.Output, task.Images[0])
	if err != nil {
		if ctx.Err() != nil {
			return skipped, fmt.Errorf("interrupted while downloading: task %s: %s: %w", task.ID, e.whereKept(a.Addr, task.ID), ctx.Err())
		}
		if isKeepError(err) {
			return failed, keepFailure(task.ID, err, e.whereKept(a.Addr, task.ID))
		}
		return failed, fmt.Errorf("task %s: %w (%s)", task.ID, err, e.whereKept(a.Addr, task.ID))
	}
	if c := e.cands.get(a.Addr); c != nil {
		return e.finishCandidate(ctx, c, prov, task.ID, task.Consumed, fp, inputs, sum)
	}
	if err := e.addGeneration(ctx, generation(sum, fp, a.Addr, task.ID, prov.Kind(), a.Model, task.Consumed, e.opts.Now())); err != nil {
		return failed, keepFailure(task.ID, err, e.whereKept(a.Addr, task.ID))
	}
	rec := planner.Record(a, inputs, fp, sum)
	rec.TaskID, rec.Consumed, rec.GeneratedAt = task.ID, task.Consumed, e.opts.Now().UTC()
	if err := e.opts.Store.RecordDone(rec); err != nil {
		return failed, fmt.Errorf("%w (the image is written; %s)", err, e.whereKept(a.Addr, task.ID))
	}
	if fi, err := e.opts.Fs.Stat(e.path(a.Output)); err == nil {
		e.stamp(a.Output, planner.Stamp(fi, sum))
	}
	return ok, nil
}

// ambiguousSubmits bounds the submissions of one image whose answers were
// lost: each may have been accepted and charged.
const ambiguousSubmits = 3

func isAmbiguous(err error) bool {
	var pe *provider.Error
	return errors.As(err, &pe) && pe.Ambiguous
}

// sleep waits d, or less if ctx ends first; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
