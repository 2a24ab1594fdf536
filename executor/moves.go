package executor

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/state"
)

// moveAll renames the output files of moves, in an order that never
// overwrites a file another move has yet to take: in a chain (a -> b,
// b -> c) the move out of b goes first. When every move left waits on
// another (a swap, or a longer cycle), one file is parked aside
// (planner.ParkedPath) and recorded there, which breaks the cycle; a plan
// made after a crash finds it there.
func (e *executor) moveAll(moves []*planner.Change, sum *Summary) error {
	from := map[string]string{}             // addr -> where its file is now
	leaving := map[string]*planner.Change{} // path -> the move that will take its file away
	for _, ch := range moves {
		from[ch.Addr] = ch.Prior.Output
		leaving[ch.Prior.Output] = ch
	}
	for left := moves; len(left) > 0; {
		var blocked []*planner.Change
		for _, ch := range left {
			if other := leaving[ch.Asset.Output]; other != nil && other != ch {
				blocked = append(blocked, ch)
				continue
			}
			if err := e.move(ch, from[ch.Addr], sum); err != nil {
				return err
			}
			delete(leaving, from[ch.Addr])
		}
		if len(blocked) == len(left) { // a cycle: park one file aside
			ch := blocked[0]
			parked := planner.ParkedPath(from[ch.Addr])
			if _, err := e.opts.Fs.Stat(e.path(parked)); err == nil {
				return fmt.Errorf("move %s: %s is in the way of the swap (pixform parks %s there for a moment): move or delete it, then apply again", ch.Addr, parked, from[ch.Addr])
			}
			if err := e.rename(ch, from[ch.Addr], parked); err != nil {
				return err
			}
			if err := e.opts.Store.RecordDone(e.moveRecord(ch, parked)); err != nil {
				return err
			}
			delete(leaving, from[ch.Addr])
			from[ch.Addr] = parked
			leaving[parked] = ch
		}
		left = blocked
	}
	return nil
}

// move renames an output file from src (its recorded path, or where it
// was parked) to its new path, unless it is there already, and records it.
func (e *executor) move(ch *planner.Change, src string, sum *Summary) error {
	got, err := planner.HashFile(e.opts.Fs, e.path(ch.Asset.Output))
	switch {
	case err == nil && got == ch.Prior.SHA256: // moved already
	case err == nil:
		return fmt.Errorf("move %s: a different file is at %s now: it is not overwritten; plan again", ch.Addr, ch.Asset.Output)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("move %s: %w", ch.Addr, err)
	default:
		if err := e.rename(ch, src, ch.Asset.Output); err != nil {
			return err
		}
	}
	if err := e.opts.Store.RecordDone(e.moveRecord(ch, ch.Asset.Output)); err != nil {
		return err
	}
	sum.Moved++
	e.emit(Event{Kind: EventMoved, Addr: ch.Addr, Message: ch.Prior.Output + " -> " + ch.Asset.Output})
	return nil
}

func (e *executor) rename(ch *planner.Change, src, dst string) error {
	from, to := e.path(src), e.path(dst)
	for _, p := range []string{from, to} {
		if err := e.inside(p); err != nil {
			return fmt.Errorf("move %s: %w", ch.Addr, err)
		}
	}
	if err := e.opts.Fs.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return fmt.Errorf("move %s: %w", ch.Addr, err)
	}
	if err := e.opts.Fs.Rename(from, to); err != nil {
		return fmt.Errorf("move %s to %s: %w", src, dst, err)
	}
	// Durable before it is recorded: the record must not name a path the
	// file reaches only after a power loss spares the rename.
	for _, d := range []string{filepath.Dir(to), filepath.Dir(from)} {
		if err := state.SyncDir(e.opts.Fs, d); err != nil {
			return fmt.Errorf("move %s: %w", ch.Addr, err)
		}
	}
	return nil
}

// moveRecord is the state record of a moved image, its file at output.
func (e *executor) moveRecord(ch *planner.Change, output string) state.Asset {
	var rec state.Asset
	if prior := e.priors[ch.Addr]; prior != nil {
		rec = *prior
	} else { // known from the lockfile only
		rec = planner.Record(ch.Asset, ch.Inputs, ch.Prior.Fingerprint, ch.Prior.SHA256)
		rec.Pick = ch.Prior.Pick // a moved file keeps its bytes, so its pick
	}
	rec.Addr, rec.Output = ch.Addr, output // a moved block renamed it: the prior record still has the old address
	rec.Sensitive = rec.Sensitive || ch.Asset.Sensitive
	return rec
}
