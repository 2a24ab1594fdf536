package executor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pixform/pixform/store"
)

// keepError is a failure to keep a downloaded image in the store. The
// image is then neither written to its output nor recorded: its task id
// stays in the state, so that the next apply downloads it again instead of
// paying for it again.
type keepError struct{ err error }

func (e *keepError) Error() string { return "keep the image in the store: " + e.err.Error() }
func (e *keepError) Unwrap() error { return e.err }

// keepBlob puts the complete, checked image file tmp into the store before
// it is renamed to its output: an image pixform downloaded is never on disk
// without being kept. Without a store (Options.Images nil) it does nothing.
func (e *executor) keepBlob(ctx context.Context, tmp string) error {
	if e.opts.Images == nil {
		return nil
	}
	f, err := e.opts.Fs.Open(tmp)
	if err != nil {
		return &keepError{err}
	}
	defer f.Close()
	if _, err := e.opts.Images.Put(ctx, f); err != nil {
		return &keepError{err}
	}
	return nil
}

// addGeneration records in the store's index the generation whose image
// was just kept, before the state records the image done: a failure keeps
// the task id for the next apply, as keepBlob's does.
func (e *executor) addGeneration(ctx context.Context, g store.Generation) error {
	if e.opts.Images == nil {
		return nil
	}
	if _, err := e.opts.Images.Add(ctx, g); err != nil {
		return &keepError{err}
	}
	return nil
}

// keepFailure words a keepError of an image whose task is final: what
// happened, that nothing is paid again, and what to do.
func keepFailure(taskID string, err error, kept string) error {
	hint := "fix the store"
	if store.KindOf(err) == store.KindFull {
		hint = "free some space on the store's disk"
	}
	return fmt.Errorf("task %s: %w; the image is not written (%s): %s, then apply again: it downloads the image without paying again", taskID, err, kept, hint)
}

func isKeepError(err error) bool {
	var ke *keepError
	return errors.As(err, &ke)
}

// generation is what the store records of an image the task produced.
func generation(sum, fp, addr, taskID, prov, model string, credits float64, at time.Time) store.Generation {
	return store.Generation{SHA256: sum, Fingerprint: fp, Addr: addr, TaskID: taskID, Provider: prov, Model: model, Credits: credits, Created: at.UTC()}
}
