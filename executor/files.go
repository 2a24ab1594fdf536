package executor

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
)

// fileChanges carries out what needs no generation: moved blocks rename
// state entries, deletes remove unchanged outputs and forget them, forgets
// drop stale records and keep their files, moves rename output files.
func (e *executor) fileChanges(sum *Summary) error {
	st := e.opts.Store
	for i := range e.plan.Changes {
		ch := &e.plan.Changes[i]
		if ch.MovedFrom == "" {
			continue
		}
		if _, ok := e.priors[ch.MovedFrom]; ok || (ch.Prior != nil && ch.Prior.FromLock) { // a fresh clone knows it from the lockfile only
			if err := st.Move(ch.MovedFrom, ch.Addr, ch.Prior.Output); err != nil {
				return err
			}
			e.priors[ch.Addr] = e.priors[ch.MovedFrom]
			delete(e.priors, ch.MovedFrom)
		}
		e.emit(Event{Kind: EventMoved, Addr: ch.Addr, Message: "state moved from " + ch.MovedFrom})
	}
	var moves []*planner.Change
	for i := range e.plan.Changes {
		ch := &e.plan.Changes[i]
		switch ch.Action {
		case planner.Delete:
			if err := e.delete(ch, sum); err != nil {
				return err
			}
		case planner.Forget:
			if err := e.forget(ch, sum); err != nil {
				return err
			}
		case planner.Move:
			moves = append(moves, ch)
		}
	}
	return e.moveAll(moves, sum)
}

// delete deletes the output of an image removed from the spec, when it
// is still the file generated, and forgets the image. One gone since the
// plan, or edited since it was generated, is only forgotten, and reported
// as such.
func (e *executor) delete(ch *planner.Change, sum *Summary) error {
	full := e.path(ch.Prior.Output)
	if err := e.inside(full); err != nil {
		return fmt.Errorf("delete %s: %w", ch.Addr, err)
	}
	forgot := ""
	got, err := planner.HashFile(e.opts.Fs, full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		forgot = ch.Prior.Output + " was already gone"
	case err != nil:
		return fmt.Errorf("delete %s: %w", ch.Addr, err)
	case got != ch.Prior.SHA256:
		forgot = ch.Prior.Output + " is kept: it was edited since it was generated"
	default:
		if err := e.opts.Fs.Remove(full); err != nil {
			return fmt.Errorf("delete %s: %w", ch.Prior.Output, err)
		}
	}
	if err := e.opts.Store.Forget(ch.Addr); err != nil {
		return err
	}
	if forgot != "" {
		sum.Forgotten++
		e.emit(Event{Kind: EventForgotten, Addr: ch.Addr, Message: forgot})
		return nil
	}
	sum.Deleted++
	e.emit(Event{Kind: EventDeleted, Addr: ch.Addr, Message: ch.Prior.Output})
	return nil
}

// forget drops the record of an image removed from the spec and leaves
// its output alone (another image's now, edited by hand, or gone).
func (e *executor) forget(ch *planner.Change, sum *Summary) error {
	if err := e.opts.Store.Forget(ch.Addr); err != nil {
		return err
	}
	what := ch.Prior.Output + " is kept"
	if _, err := e.opts.Fs.Stat(e.path(ch.Prior.Output)); errors.Is(err, fs.ErrNotExist) {
		what = ch.Prior.Output + " was already gone"
	}
	sum.Forgotten++
	e.emit(Event{Kind: EventForgotten, Addr: ch.Addr, Message: what})
	return nil
}

func (e *executor) path(rel string) string {
	return filepath.Join(e.opts.Dir, filepath.FromSlash(rel))
}

// inside checks, on a real filesystem, that the directory of full still
// resolves inside the spec directory: the plan checked the paths, but a
// directory may have been swapped for a symlink since (a saved plan is
// applied later). pixform never writes or deletes through such a link.
func (e *executor) inside(full string) error {
	if _, ok := e.opts.Fs.(*afero.OsFs); !ok {
		return nil
	}
	root, err := filepath.EvalSymlinks(e.opts.Dir)
	if err != nil {
		return err
	}
	// The nearest directory that exists: below it, MkdirAll makes real ones.
	dir, err := filepath.EvalSymlinks(filepath.Dir(full))
	for d := filepath.Dir(full); errors.Is(err, fs.ErrNotExist) && d != filepath.Dir(d); {
		d = filepath.Dir(d)
		dir, err = filepath.EvalSymlinks(d)
	}
	if err != nil {
		return err
	}
	if !spec.Within(root, dir) {
		return fmt.Errorf("%s leads outside the spec directory through a symbolic link: refused; replace the link with a real directory", filepath.Dir(full))
	}
	return nil
}

// readInside checks, on a real filesystem, that the file full (a reference
// image) still resolves inside the spec directory: a link swapped in since
// the plan must not send a file from elsewhere to the service.
func (e *executor) readInside(full string) error {
	if _, ok := e.opts.Fs.(*afero.OsFs); !ok {
		return nil
	}
	root, err := filepath.EvalSymlinks(e.opts.Dir)
	if err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return nil // reading it reports what is wrong
	}
	if !spec.Within(root, real) {
		return fmt.Errorf("%s leads outside the spec directory through a symbolic link: refused; replace the link with the file itself", full)
	}
	return nil
}
