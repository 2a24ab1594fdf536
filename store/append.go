package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"image"
	_ "image/jpeg" // generations may be JPEG
	_ "image/png"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/afero"
	_ "golang.org/x/image/webp" // or WebP
)

// Add records g (see Store). Created defaults to now.
func (l *Local) Add(ctx context.Context, g Generation) (bool, error) {
	h, err := hexOf(g.SHA256)
	if err != nil {
		return false, &Error{Op: "add", Err: err}
	}
	if g.Fingerprint == "" {
		return false, &Error{Op: "add", SHA256: g.SHA256, Err: errors.New("a generation needs a fingerprint")}
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	fi, err := l.fs.Stat(l.blobPath(h))
	if errors.Is(err, fs.ErrNotExist) {
		return false, &Error{Kind: KindMissing, Op: "add", SHA256: g.SHA256, Path: l.root, Err: err}
	}
	if err != nil {
		return false, ioError("add", g.SHA256, l.root, err)
	}
	g.Size = fi.Size()
	if g.Width == 0 && g.Height == 0 {
		g.Width, g.Height = l.dims(h)
	}
	if g.Created.IsZero() {
		g.Created = time.Now()
	}
	line, err := encodeLine(toWire(&g))
	if err != nil {
		return false, &Error{Op: "add", SHA256: g.SHA256, Err: err}
	}
	for try := 0; try < 3; try++ {
		added, repair, err := l.appendOnce(&g, line)
		if err != nil || !repair {
			return added, err
		}
		if err := l.prepare(); err != nil {
			return false, err
		}
	}
	return false, &Error{Op: "add", SHA256: g.SHA256, Path: l.path(indexFile), Err: errors.New("the index kept a torn last line after repairs")}
}

// dims reads the width and height from the blob's image header, or 0, 0.
func (l *Local) dims(h string) (int, int) {
	f, err := l.fs.Open(l.blobPath(h))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(io.LimitReader(f, 1<<20))
	if err != nil {
		return 0, 0
	}
	return cfg.Width, cfg.Height
}

// appendOnce appends line for g unless the index records g already. It
// asks for a repair (prepare) when the index is missing or ends torn,
// which needs the store's lock alone.
func (l *Local) appendOnce(g *Generation, line []byte) (added, repair bool, err error) {
	l.gcMu.RLock()
	defer l.gcMu.RUnlock()
	unlock, err := fileLock(l.fs, l.path(lockName), false)
	if err != nil {
		return false, false, ioError("add", g.SHA256, l.path(lockName), err)
	}
	defer unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.refresh(false); err != nil {
		return false, false, err
	}
	if l.idx.lineage == "" || l.idx.torn {
		return false, true, nil
	}
	if l.idx.seen[genKey{g.Fingerprint, g.SHA256}] {
		return false, false, nil
	}
	// Again under the lock, which GC takes alone: a blob GC removed since
	// Add looked gets no index line.
	if _, err := l.fs.Stat(l.blobPath(g.SHA256[len(digestPrefix):])); errors.Is(err, fs.ErrNotExist) {
		return false, false, &Error{Kind: KindMissing, Op: "add", SHA256: g.SHA256, Path: l.root, Err: err}
	} else if err != nil {
		return false, false, ioError("add", g.SHA256, l.root, err)
	}
	name := l.path(indexFile)
	f, err := l.fs.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return false, false, ioError("add", g.SHA256, name, err)
	}
	_, err = f.Write(line)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// The line may be in the file, whole or torn: the next refresh
		// reads it, or the next Add cuts it off.
		return false, false, ioError("add", g.SHA256, name, err)
	}
	return true, false, nil // the next refresh reads the line back
}

// prepare creates the index when there is none and cuts off a torn last
// line, holding the store's lock alone (no append is under way).
func (l *Local) prepare() error {
	l.gcMu.Lock()
	defer l.gcMu.Unlock()
	if err := l.fs.MkdirAll(l.root, dirPerm); err != nil {
		return ioError("add", "", l.root, err)
	}
	unlock, err := fileLock(l.fs, l.path(lockName), true)
	if err != nil {
		return ioError("add", "", l.path(lockName), err)
	}
	defer unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.refresh(true); err != nil {
		return err
	}
	name := l.path(indexFile)
	switch {
	case l.idx.lineage == "":
		if err := l.writeIndex(nil); err != nil {
			return err
		}
	case l.idx.torn:
		f, err := l.fs.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return ioError("repair index", "", name, err)
		}
		err = f.Truncate(l.idx.offset)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return ioError("repair index", "", name, err)
		}
	}
	return l.refresh(false)
}

// writeIndex replaces the index with one of a new lineage holding gens,
// atomically. The caller holds the store's lock alone and l.mu.
func (l *Local) writeIndex(gens []Generation) error {
	name := l.path(indexFile)
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return &Error{Op: "write index", Path: name, Err: err}
	}
	var buf bytes.Buffer
	for i := -1; i < len(gens); i++ {
		var v any = wireHeader{Version: indexVersion, Lineage: hex.EncodeToString(id)}
		if i >= 0 {
			v = toWire(&gens[i])
		}
		line, err := encodeLine(v)
		if err != nil {
			return &Error{Op: "write index", Path: name, Err: err}
		}
		buf.Write(line)
	}
	f, err := afero.TempFile(l.fs, l.root, indexFile+".tmp-*")
	if err != nil {
		return ioError("write index", "", name, err)
	}
	_, err = f.Write(buf.Bytes())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = l.fs.Chmod(f.Name(), filePerm)
	}
	if err == nil {
		err = l.fs.Rename(f.Name(), name)
	}
	if err != nil {
		_ = l.fs.Remove(f.Name()) // best effort: err is what matters
		return ioError("write index", "", name, err)
	}
	l.idx = index{} // read it again whole
	if err := syncDir(l.fs, l.root); err != nil {
		return ioError("write index", "", name, err)
	}
	return nil
}
