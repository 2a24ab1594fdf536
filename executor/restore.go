package executor

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/store"
)

// restoreAll copies the images the plan restores out of the store, with no
// network, before any generation starts (a restored image may be the
// reference of one). A stored copy that is missing or corrupt is reported,
// never copied into an output, and the image is generated instead, as the
// plan would have without the store.
func (e *executor) restoreAll(ctx context.Context, sum *Summary) error {
	for i := range e.plan.Changes {
		ch := &e.plan.Changes[i]
		if ch.Action != planner.Restore {
			continue
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("restore %s: apply was interrupted: %w", ch.Addr, err)
		}
		err := e.restore(ctx, ch)
		switch k := store.KindOf(err); {
		case err == nil:
			sum.Restored++
			e.emit(Event{Kind: EventRestored, Addr: ch.Addr, Message: "restored from the store: " + ch.Restore.SHA256})
		case ch.Restore == nil:
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
	if err := e.opts.Store.RecordDone(rec); err != nil {
		return fmt.Errorf("restore %s: %w", ch.Addr, err)
	}
	if fi, err := e.opts.Fs.Stat(full); err == nil {
		e.stamp(a.Output, planner.Stamp(fi, r.SHA256))
	}
	return nil
}
