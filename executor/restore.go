package executor

import (
	"context"
	"fmt"
	"path/filepath"

	"golang.org/x/sync/errgroup"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/store"
)

// restoreAll copies the images the plan restores out of the store, with no
// network, before any generation starts (a restored image may be the
// reference of one). A stored copy that is missing or corrupt is reported,
// never copied into an output, and the image is generated instead, as the
// plan would have without the store.
func (e *executor) restoreAll(ctx context.Context, sum *Summary) error {
	var todo []*planner.Change
	for i := range e.plan.Changes {
		if ch := &e.plan.Changes[i]; ch.Action == planner.Restore {
			todo = append(todo, ch)
		}
	}
	// Copies run in parallel, as many as tasks may be in flight: each ends
	// with an fsync, which is what a restore waits on.
	errs := make([]error, len(todo))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.opts.Parallelism)
	for i, ch := range todo {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				errs[i] = fmt.Errorf("restore %s: apply was interrupted: %w", ch.Addr, err)
				return nil
			}
			errs[i] = e.restore(gctx, ch)
			return nil
		})
	}
	g.Wait()
	for i, ch := range todo {
		err := errs[i]
		switch k := store.KindOf(err); {
		case err == nil:
			sum.Restored++
			e.emit(Event{Kind: EventRestored, Addr: ch.Addr, Message: "restored from the store: " + ch.Restore.SHA256})
		case ch.Restore == nil || ctx.Err() != nil:
			return err
		case (k == store.KindMissing || k == store.KindCorrupt || e.opts.Images == nil) && e.opts.Providers[ch.Asset.Provider] == nil:
			// Only the restore was planned, so no provider was set up (a
			// restore needs no key): the next plan generates it.
			sum.Failed++
			sum.Failures = append(sum.Failures, Failure{Addr: ch.Addr, Err: fmt.Errorf("%w; apply again: the next plan generates it", err)})
			e.emit(Event{Kind: EventFailed, Addr: ch.Addr, Message: fmt.Sprintf("%v; apply again: the next plan generates it", err)})
			ch.Action = planner.NoOp
		case k == store.KindMissing || k == store.KindCorrupt || e.opts.Images == nil:
			e.emit(Event{Kind: EventWarning, Addr: ch.Addr, Message: fmt.Sprintf("%v: it is generated instead", err)})
			ch.Action, ch.Cost = ch.Restore.Instead, ch.Restore.InsteadCost
		default:
			return fmt.Errorf("restore %s: %w", ch.Addr, err)
		}
	}
	return nil
}

// restore copies one stored image to its output and records it, as the
// generation that made it.
func (e *executor) restore(ctx context.Context, ch *planner.Change) error {
	r, a := ch.Restore, ch.Asset
	if r == nil || a == nil {
		return fmt.Errorf("restore %s: the plan names no stored image to restore", ch.Addr)
	}
	if e.opts.Images == nil {
		return fmt.Errorf("restore %s: no store is open", ch.Addr)
	}
	full := e.path(a.Output)
	if err := e.inside(full); err != nil {
		return fmt.Errorf("restore %s: %w", ch.Addr, err)
	}
	if err := e.opts.Fs.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return fmt.Errorf("restore %s: create directory for %s: %w", ch.Addr, a.Output, err)
	}
	if err := e.opts.Images.CopyTo(ctx, r.SHA256, e.opts.Fs, full); err != nil {
		return err
	}
	rec := planner.Record(a, ch.Inputs, ch.Fingerprint, r.SHA256)
	rec.TaskID, rec.Consumed, rec.GeneratedAt = r.TaskID, r.Credits, r.Created.UTC()
	if ch.Prior != nil && ch.Prior.Pick == r.SHA256 {
		rec.Pick = r.SHA256 // the picked image comes back still picked
	}
	if err := e.opts.Store.RecordDone(rec); err != nil {
		return fmt.Errorf("restore %s: %w", ch.Addr, err)
	}
	if fi, err := e.opts.Fs.Stat(full); err == nil {
		e.stamp(a.Output, planner.Stamp(fi, r.SHA256))
	}
	return nil
}
