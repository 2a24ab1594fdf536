package executor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/color"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/derive"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// SettingError is a derive block's setting that the derive package refuses:
// an operation (Op is its index in spec.Derive.Ops) or the encoding (Op is
// -1; Quality tells whether the quality, not the format, is at fault).
type SettingError struct {
	Op      int
	Quality bool
	Err     error
}

func (e *SettingError) Error() string { return e.Err.Error() }
func (e *SettingError) Unwrap() error { return e.Err }

// DeriveSettings converts a derive block's plain data into the derive
// package's operations and encoding, and checks them. The error is a
// *SettingError.
func DeriveSettings(d *spec.Derive) ([]derive.Op, derive.Encoding, error) {
	ops := make([]derive.Op, len(d.Ops))
	for i, o := range d.Ops {
		c, err := parseColor(o.Color)
		if err != nil {
			return nil, derive.Encoding{}, &SettingError{Op: i, Err: fmt.Errorf("operation %d (pad): %w", i+1, err)}
		}
		if o.Threshold < 0 || o.Threshold > 255 {
			return nil, derive.Encoding{}, &SettingError{Op: i, Err: fmt.Errorf("operation %d (trim): threshold %d is out of range: use 0 to 254", i+1, o.Threshold)}
		}
		ops[i] = derive.Op{
			Kind: derive.Kind(o.Kind), Width: o.Width, Height: o.Height,
			Fit: derive.Fit(o.Fit), Filter: derive.Filter(o.Filter),
			X: o.X, Y: o.Y, Centered: o.Center, Threshold: uint8(o.Threshold),
			Top: o.Top, Right: o.Right, Bottom: o.Bottom, Left: o.Left, Color: c,
		}
	}
	if err := derive.Validate(ops); err != nil {
		var oe *derive.OpError
		idx := 0
		if errors.As(err, &oe) {
			idx = oe.Index
		}
		return nil, derive.Encoding{}, &SettingError{Op: idx, Err: err}
	}
	enc := derive.Encoding{Format: derive.Format(d.Format), Quality: d.Quality, Lossless: d.Lossless}
	if err := enc.Validate(); err != nil {
		known := enc.Format == derive.FormatPNG || enc.Format == derive.FormatJPEG || enc.Format == derive.FormatWebP
		return nil, enc, &SettingError{Op: -1, Quality: known, Err: err}
	}
	return ops, enc, nil
}

// parseColor reads "#rgb", "#rrggbb" or "#rrggbbaa"; "" is transparent.
func parseColor(s string) (color.NRGBA, error) {
	if s == "" || s == "transparent" {
		return color.NRGBA{}, nil
	}
	h, ok := strings.CutPrefix(s, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) == 6 {
		h += "ff"
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if !ok || len(h) != 8 || err != nil {
		return color.NRGBA{}, fmt.Errorf("color %q is not a colour: write \"#rrggbb\", \"#rrggbbaa\" or \"transparent\"", s)
	}
	return color.NRGBA{R: uint8(v >> 24), G: uint8(v >> 16), B: uint8(v >> 8), A: uint8(v)}, nil
}

// deriveOne builds a derive's output from its source, which landed (or was
// there): decode, operations, encode into a temp file beside the output,
// rename, record. It holds one of the CPU slots (GOMAXPROCS) throughout.
func (e *executor) deriveOne(ctx context.Context, ch *planner.Change) result {
	a := ch.Asset
	res := func(o outcome, err error) result { return result{addr: a.Addr, outcome: o, err: err} }
	select {
	case e.cpus <- struct{}{}:
	case <-ctx.Done():
		return res(skipped, fmt.Errorf("not started: apply was interrupted: %w", ctx.Err()))
	}
	defer func() { <-e.cpus }()
	if err := ctx.Err(); err != nil {
		return res(skipped, fmt.Errorf("not started: apply was interrupted: %w", err))
	}
	started := e.opts.Now()
	e.emit(Event{Kind: EventStart, Addr: a.Addr})
	ops, enc, err := DeriveSettings(a.Derive)
	if err != nil {
		return res(failed, err)
	}
	if len(a.Refs) != 1 {
		return res(failed, fmt.Errorf("derive %s has no source", a.Addr))
	}
	srcSum, sum, err := e.build(a.Refs[0].Value, a.Output, ops, enc)
	if err != nil {
		return res(failed, err)
	}
	// Recorded with the source it was built from now: unlike a generation,
	// a source changed since the plan costs nothing to follow, so the
	// derive is not refused as stale.
	inputs, fp := planner.Resolve(a, func(spec.Ref) (string, bool) { return srcSum, true })
	rec := planner.Record(a, inputs, fp, sum)
	rec.GeneratedAt = e.opts.Now().UTC()
	if err := e.opts.Store.RecordDone(rec); err != nil {
		return res(failed, fmt.Errorf("%w (the output is written; the next apply builds it again)", err))
	}
	if fi, err := e.opts.Fs.Stat(e.path(a.Output)); err == nil {
		e.stamp(a.Output, planner.Stamp(fi, sum))
	}
	e.emit(Event{Kind: EventDone, Addr: a.Addr, Elapsed: e.opts.Now().Sub(started)})
	return res(ok, nil)
}

// build writes the derived output of the source file at src to output and
// returns the sha256 of both ("sha256:..."): the source's as read now, for
// the fingerprint.
func (e *executor) build(src, output string, ops []derive.Op, enc derive.Encoding) (srcSum, sum string, err error) {
	fsys := e.opts.Fs
	srcFull, full := e.path(src), e.path(output)
	if err := e.readInside(srcFull); err != nil {
		return "", "", fmt.Errorf("source %s: %w", src, err)
	}
	if err := e.inside(full); err != nil {
		return "", "", err
	}
	in, err := fsys.Open(srcFull)
	if err != nil {
		return "", "", fmt.Errorf("read source %s: %w", src, err)
	}
	defer in.Close()
	if err := fsys.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return "", "", fmt.Errorf("create directory for %s: %w", output, err)
	}
	tmp, err := afero.TempFile(fsys, filepath.Dir(full), "."+filepath.Base(full)+".*.tmp")
	if err != nil {
		return "", "", err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			fsys.Remove(tmp.Name())
		}
	}()
	hs, ho := sha256.New(), sha256.New()
	tee := io.TeeReader(in, hs)
	if err := derive.Apply(tee, ops, enc, io.MultiWriter(tmp, ho)); err != nil {
		return "", "", fmt.Errorf("derive from %s: %w", src, err)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil { // the rest of the source, for its hash
		return "", "", fmt.Errorf("read source %s: %w", src, err)
	}
	if err := tmp.Sync(); err != nil {
		return "", "", err
	}
	if err := tmp.Close(); err != nil {
		return "", "", err
	}
	if err := fsys.Chmod(tmp.Name(), 0o644); err != nil {
		return "", "", err
	}
	if err := fsys.Rename(tmp.Name(), full); err != nil {
		return "", "", fmt.Errorf("move output into place: %w", err)
	}
	_ = state.SyncDir(fsys, filepath.Dir(full)) // best effort, as for a download
	return "sha256:" + hex.EncodeToString(hs.Sum(nil)), "sha256:" + hex.EncodeToString(ho.Sum(nil)), nil
}
