package executor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
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
	req, inputs, err := e.request(a)
	if err != nil {
		return res(failed, err)
	}
	inputs = planner.IgnoreChanges(a, inputs, ch.Prior.KeptInputs())
	fp := planner.Fingerprint(inputs)

	var taskID string
	var submittedAt time.Time
	if pend := e.pending[a.Addr]; pend != nil {
		switch {
		case pend.TaskID != "" && pend.Fingerprint == fp:
			taskID, submittedAt = pend.TaskID, pend.SubmittedAt
			e.emit(Event{Kind: EventResumed, Addr: a.Addr, TaskID: taskID, Message: "resuming task " + taskID + " from an earlier apply"})
		case pend.TaskID == "":
			e.emit(Event{Kind: EventWarning, Addr: a.Addr, Message: "an earlier apply stopped while submitting this image: the service may have accepted that submission (and charged for it) without pixform learning its task id; submitting again"})
		default:
			e.emit(Event{Kind: EventWarning, Addr: a.Addr, Message: "task " + pend.TaskID + " of an earlier apply had other inputs: it is abandoned"})
		}
	}
	booked := false // this apply's submit booked ch.Cost against the budget
	for resubmits := 0; ; resubmits++ {
		if taskID == "" {
			if taskID, err = e.submit(ctx, prov, a.Addr, fp, a.Model, ch.Cost, req); err != nil {
				if errors.Is(err, context.Canceled) || errors.Is(err, errBudget) || errors.Is(err, errAuthStopped) {
					return res(skipped, err)
				}
				return res(failed, err)
			}
			submittedAt, booked = e.opts.Now(), true
		}
		task, err := e.wait(ctx, prov, a, taskID, submittedAt)
		consumed := 0.0
		if err == nil {
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
			taskID = ""
			continue
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return res(skipped, fmt.Errorf("interrupted while waiting: task %s stays recorded and the next apply resumes it: %w", taskID, err))
			}
			return res(failed, fmt.Errorf("wait for task %s: %w (it stays recorded: the next apply resumes it)", taskID, err))
		}
		if o, err := e.finish(ctx, prov, ch, task, fp, inputs, started); o != ok || err != nil {
			return res(o, err)
		}
		e.emit(Event{Kind: EventDone, Addr: a.Addr, TaskID: taskID, Consumed: task.Consumed, Elapsed: e.opts.Now().Sub(started)})
		return res(ok, nil)
	}
}

var errAuthStopped = errors.New("not submitted: the API key was refused earlier in this apply; set a valid key in the environment variable DEFAPI_API_KEY and apply again")

// submit records the intent, submits, and records the task id the moment it
// arrives: the only window in which a crash can pay twice is the request.
func (e *executor) submit(ctx context.Context, prov provider.Provider, addr, fp, model string, cost float64, req provider.Request) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("not submitted: apply was interrupted: %w", err)
	}
	if e.authErr.Load() != nil {
		return "", errAuthStopped
	}
	if !e.reserve(cost) {
		return "", errBudget
	}
	now := e.opts.Now()
	if err := e.opts.Store.RecordIntent(state.Pending{Addr: addr, Fingerprint: fp, Provider: prov.Kind(), Model: model, IntentAt: now}); err != nil {
		e.release(cost) // not submitted: the booking must not shrink the budget of the others
		return "", err
	}
	// A submission in flight is finished even after Ctrl-C: cancelling it
	// could leave a task the service accepted and pixform never recorded.
	id, err := prov.Submit(context.WithoutCancel(ctx), req)
	for try := 1; err != nil && isAmbiguous(err) && try < ambiguousSubmits && ctx.Err() == nil; try++ {
		e.emit(Event{Kind: EventWarning, Addr: addr, Message: fmt.Sprintf("the answer to its submission was lost (%v): the service may have accepted it, and charged for it, without pixform learning the task id; submitting again, so this image may be paid twice", err)})
		if !sleep(ctx, time.Duration(try)*time.Second) {
			break
		}
		id, err = prov.Submit(context.WithoutCancel(ctx), req)
	}
	if err != nil {
		e.release(cost)
	}
	if err != nil && isAmbiguous(err) {
		// The intent stays recorded: the next apply names the image again.
		return "", fmt.Errorf("submit: %w (the service may have accepted it without pixform learning its task id)", err)
	}
	if err != nil {
		if rerr := e.opts.Store.RecordAbandoned(addr); rerr != nil {
			return "", rerr
		}
		if provider.KindOf(err) == provider.KindAuth {
			e.authErr.CompareAndSwap(nil, &err)
			return "", fmt.Errorf("%w: set a valid key in the environment variable DEFAPI_API_KEY and apply again", err)
		}
		return "", err // a *provider.Error, which names its operation
	}
	if err := e.opts.Store.RecordSubmitted(addr, id, e.opts.Now()); err != nil {
		return "", err
	}
	e.emit(Event{Kind: EventSubmitted, Addr: addr, TaskID: id})
	return id, nil
}

// finish turns a final task into a written, recorded image.
func (e *executor) finish(ctx context.Context, prov provider.Provider, ch *planner.Change, task provider.Task, fp string, inputs map[string]string, started time.Time) (outcome, error) {
	a := ch.Asset
	if task.Status == provider.StatusFailed || len(task.Images) == 0 {
		if err := e.opts.Store.RecordAbandoned(a.Addr); err != nil {
			return failed, err
		}
		switch {
		case task.Status == provider.StatusFailed:
			return failed, fmt.Errorf("task %s failed: %s", task.ID, orDefault(task.Reason, "the service gave no reason"))
		case len(task.Texts) > 0:
			return failed, fmt.Errorf("task %s answered with text instead of an image: %q", task.ID, strings.Join(task.Texts, " "))
		default:
			return failed, fmt.Errorf("task %s succeeded without an image", task.ID)
		}
	}
	e.emit(Event{Kind: EventDownload, Addr: a.Addr, TaskID: task.ID})
	sum, err := e.download(ctx, prov, a.Output, task.Images[0])
	if err != nil {
		if ctx.Err() != nil {
			return skipped, fmt.Errorf("interrupted while downloading: task %s stays recorded and the next apply resumes it: %w", task.ID, ctx.Err())
		}
		return failed, fmt.Errorf("task %s: %w (it stays recorded: the next apply fetches it again)", task.ID, err)
	}
	rec := planner.Record(a, inputs, fp, sum)
	rec.TaskID, rec.Consumed, rec.GeneratedAt = task.ID, task.Consumed, e.opts.Now().UTC()
	// A prompt kept by ignore_changes is the earlier one: sensitive if it was.
	rec.Sensitive = rec.Sensitive || (ch.Prior != nil && ch.Prior.Sensitive && slices.Contains(rec.Ignored, "prompt"))
	if err := e.opts.Store.RecordDone(rec); err != nil {
		return failed, err
	}
	if fi, err := e.opts.Fs.Stat(e.path(a.Output)); err == nil {
		e.stamp(a.Output, planner.Stamp(fi, sum))
	}
	return ok, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
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
