package store

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/afero"
)

// tmpGrace is how old a temporary file of the store must be for GC to take
// it for the litter of a killed pixform rather than a Put under way.
const tmpGrace = time.Hour

// GC removes the blobs that keep does not name (see Store), with the store's
// lock held alone, so that no Put or Add of any process sharing the store
// runs meanwhile; then rewrites the index without the generations whose
// blob is gone (removed now, or before by hand). It also removes the
// corrupt blobs moved aside and the temporary files older than an hour
// (or than OlderThan), counted in Freed and Litter.
//
// keep holds digests ("sha256:…"). A GC with the references of one spec on
// a store that several specs share removes the images of the others:
// its caller passes the references of all of them, or an OlderThan.
// When ctx is cancelled, GC stops removing and still rewrites the index
// for what it removed.
func (l *Local) GC(ctx context.Context, keep map[string]bool, opts GCOptions) (GCResult, error) {
	var res GCResult
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	l.gcMu.Lock()
	defer l.gcMu.Unlock()
	if _, err := l.fs.Stat(l.root); errors.Is(err, fs.ErrNotExist) {
		return res, nil // no store, nothing to collect
	}
	unlock, err := fileLock(l.fs, l.path(lockName), true)
	if err != nil {
		return res, ioError("gc", "", l.path(lockName), err)
	}
	defer unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.refresh(true); err != nil {
		return res, err // a damaged index stops GC before it removes anything
	}
	blobs, err := l.Blobs(ctx)
	if err != nil {
		return res, err
	}
	present := make(map[string]bool, len(blobs))
	touched := map[string]bool{}
	var stop error
	for _, b := range blobs {
		present[b.SHA256] = true
		if stop != nil {
			continue
		}
		if stop = ctx.Err(); stop != nil {
			continue
		}
		if keep[b.SHA256] || (opts.OlderThan > 0 && now().Sub(b.ModTime) < opts.OlderThan) {
			continue
		}
		p := l.blobPath(b.SHA256[len(digestPrefix):])
		if err := l.fs.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			stop = ioError("gc", b.SHA256, l.root, err)
			continue
		}
		delete(present, b.SHA256)
		res.Removed++
		res.Freed += b.Size
		touched[filepath.Dir(p)] = true
	}
	res.Kept = len(present)
	if stop == nil {
		stop = l.sweep(ctx, now(), max(tmpGrace, opts.OlderThan), &res, touched)
	}
	for dir := range touched {
		if err := syncDir(l.fs, dir); err != nil && stop == nil {
			stop = ioError("gc", "", dir, err)
		}
	}
	var left []Generation
	for _, g := range l.idx.gens {
		if present[g.SHA256] {
			left = append(left, g)
		}
	}
	if res.Dropped = len(l.idx.gens) - len(left); res.Dropped > 0 || l.idx.torn {
		if err := l.writeIndex(left); err != nil {
			return res, errors.Join(stop, err)
		}
	}
	return res, stop
}

// sweep removes the corrupt blobs moved aside and the temporary files
// older than grace.
func (l *Local) sweep(ctx context.Context, now time.Time, grace time.Duration, res *GCResult, touched map[string]bool) error {
	type spot struct {
		dir  string
		all  bool   // every file, whatever its age
		only string // only names with this prefix
	}
	for _, s := range []spot{
		{dir: l.path(corruptDir), all: true},
		{dir: l.path(tmpDir)},
		{dir: l.root, only: indexFile + ".tmp-"},
	} {
		files, err := afero.ReadDir(l.fs, s.dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return ioError("gc", "", s.dir, err)
		}
		for _, fi := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			if fi.IsDir() || !strings.HasPrefix(fi.Name(), s.only) || (!s.all && now.Sub(fi.ModTime()) < grace) {
				continue
			}
			p := filepath.Join(s.dir, fi.Name())
			if err := l.fs.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return ioError("gc", "", p, err)
			}
			res.Litter++
			res.Freed += fi.Size()
			touched[s.dir] = true
		}
	}
	return nil
}
