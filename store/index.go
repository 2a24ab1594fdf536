package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"time"

	"github.com/spf13/afero"
)

// The index (index.jsonl) is an append-only file of JSON lines. The first
// is a header naming its format version and a lineage, a random id that
// changes whenever GC rewrites the file (atomically: temp file, fsync,
// rename), so that a reader holding what it read so far knows to start
// over; every other line is one generation. An Add appends one line and
// fsyncs it before it returns.
//
// A crash can tear only the last line, which readers ignore; the next Add
// cuts it off (holding the store's lock alone, so that no append of
// another process is under way) before it appends. A damaged line that is
// not the last is an error: a crash does not explain it.

// indexVersion is the format of the index.
const indexVersion = 1

// opAdd is the only operation of an index line so far.
const opAdd = "add"

// wireHeader is the first line of the index.
type wireHeader struct {
	Version int    `json:"version"`
	Lineage string `json:"lineage"`
}

// wireGeneration is a line of the index.
type wireGeneration struct {
	Op          string    `json:"op"`
	SHA256      string    `json:"sha256"`
	Fingerprint string    `json:"fingerprint"`
	Addr        string    `json:"addr,omitempty"`
	TaskID      string    `json:"task_id,omitempty"`
	Provider    string    `json:"provider,omitempty"`
	Model       string    `json:"model,omitempty"`
	Credits     float64   `json:"credits,omitempty"`
	Created     time.Time `json:"created"`
	Width       int       `json:"width,omitempty"`
	Height      int       `json:"height,omitempty"`
	Size        int64     `json:"size,omitempty"`
}

func toWire(g *Generation) wireGeneration {
	return wireGeneration{Op: opAdd, SHA256: g.SHA256, Fingerprint: g.Fingerprint, Addr: g.Addr, TaskID: g.TaskID,
		Provider: g.Provider, Model: g.Model, Credits: g.Credits, Created: g.Created.UTC(),
		Width: g.Width, Height: g.Height, Size: g.Size}
}

func (w *wireGeneration) generation() Generation {
	return Generation{SHA256: w.SHA256, Fingerprint: w.Fingerprint, Addr: w.Addr, TaskID: w.TaskID,
		Provider: w.Provider, Model: w.Model, Credits: w.Credits, Created: w.Created,
		Width: w.Width, Height: w.Height, Size: w.Size}
}

func encodeLine(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode index line: %w", err)
	}
	return append(b, '\n'), nil
}

// index is what a Local read of its index file.
type index struct {
	lineage string // of the file read; "" when there is none
	offset  int64  // bytes of whole lines read
	lines   int    // lines read, the header included
	gens    []Generation
	seen    map[genKey]bool
	torn    bool // bytes after offset that are not a whole line
}

// genKey identifies a generation: the same image for the same fingerprint
// is one generation, however often it was recorded.
type genKey struct{ fingerprint, sum string }

// refresh brings l.idx up to date with the file, reading only what was
// appended since the last refresh, unless GC rewrote it (a new lineage)
// or it was changed otherwise (it no longer has a line end where the last
// line read ended). A full refresh reads it all again, as GC and repairs
// do. The caller holds l.mu.
func (l *Local) refresh(full bool) error {
	if full {
		l.idx = index{}
	}
	name := l.path(indexFile)
	f, err := l.fs.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		l.idx = index{}
		return nil
	}
	if err != nil {
		return ioError("read index", "", name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return ioError("read index", "", name, err)
	}
	if fi.Size() == 0 { // created by hand, or truncated: no header yet
		l.idx = index{}
		return nil
	}
	head := make([]byte, min(fi.Size(), 512))
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return ioError("read index", "", name, err)
	}
	hdr, n, err := parseHeader(head)
	if err != nil {
		return &Error{Op: "read index", Path: name, Err: indexDamage(1, err)}
	}
	if hdr.Lineage != l.idx.lineage || !endsLine(f, l.idx.offset, fi.Size()) {
		l.idx = index{lineage: hdr.Lineage, offset: int64(n), lines: 1, seen: map[genKey]bool{}}
	}
	rest, err := io.ReadAll(io.NewSectionReader(f, l.idx.offset, fi.Size()-l.idx.offset))
	if err != nil {
		return ioError("read index", "", name, err)
	}
	return l.idx.take(rest)
}

// endsLine reports whether the file of size bytes has a line end just
// before offset.
func endsLine(f afero.File, offset, size int64) bool {
	if offset < 1 || offset > size {
		return false
	}
	b := make([]byte, 1)
	_, err := f.ReadAt(b, offset-1)
	return err == nil && b[0] == '\n'
}

// parseHeader parses the header at the start of data and returns its
// length, newline included.
func parseHeader(data []byte) (wireHeader, int, error) {
	var hdr wireHeader
	end := bytes.IndexByte(data, '\n')
	if end < 0 {
		return hdr, 0, errors.New("no whole header line")
	}
	if err := json.Unmarshal(data[:end], &hdr); err != nil {
		return hdr, 0, err
	}
	if hdr.Version == 0 || hdr.Lineage == "" {
		return hdr, 0, errors.New("not an index header")
	}
	if hdr.Version != indexVersion {
		return hdr, 0, fmt.Errorf("version %d, but this pixform reads version %d: upgrade pixform", hdr.Version, indexVersion)
	}
	return hdr, end + 1, nil
}

// take adds the whole lines of data, which follows what idx read. A last
// line that does not parse, or has no newline yet, is left unread as torn.
func (idx *index) take(data []byte) error {
	idx.torn = false
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			idx.torn = true // a crash, or an append under way in another process
			return nil
		}
		var w wireGeneration
		err := json.Unmarshal(data[:end], &w)
		if err == nil {
			err = w.check()
		}
		if err != nil {
			if end+1 == len(data) {
				idx.torn = true
				return nil
			}
			return indexDamage(idx.lines+1, err)
		}
		idx.lines++
		idx.offset += int64(end + 1)
		data = data[end+1:]
		g := w.generation()
		if k := (genKey{g.Fingerprint, g.SHA256}); !idx.seen[k] {
			idx.seen[k] = true
			idx.gens = append(idx.gens, g)
		}
	}
	return nil
}

// check reports what makes a parsed line unusable.
func (w *wireGeneration) check() error {
	if w.Op != opAdd {
		return fmt.Errorf("unknown operation %q (written by a newer pixform?)", w.Op)
	}
	if _, err := hexOf(w.SHA256); err != nil {
		return err
	}
	if w.Fingerprint == "" {
		return errors.New("no fingerprint")
	}
	return nil
}

// indexDamage explains a damaged index line that a crash cannot explain.
func indexDamage(line int, err error) error {
	return fmt.Errorf("the index %s is damaged at line %d (%v), and a crash does not explain it; "+
		"move it aside to go on: the images stay in the store, but pixform forgets which generations they were "+
		"(plan can no longer restore them, and gc removes those nothing references)", indexFile, line, err)
}

// Generations returns the generations q selects, oldest first (in the
// order they were recorded when their times are equal).
func (l *Local) Generations(ctx context.Context, q Query) ([]Generation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.refresh(false); err != nil {
		return nil, err
	}
	var out []Generation
	for i := range l.idx.gens {
		if q.match(&l.idx.gens[i]) {
			out = append(out, l.idx.gens[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}
