package state

import (
	"crypto/rand"
	"encoding/hex"
	"maps"
	"path/filepath"
)

// Paths of the files this package reads and writes, relative to the spec
// directory. Everything under .pixform/ is local and gitignored; the
// lockfile is committed.
const (
	// StateFile is the local state: versioned, indented JSON.
	StateFile = ".pixform/state.json"
	// BackupFile is the state.json a Store found when it opened, kept by its
	// first write that changed it (what to restore when state.json is lost).
	BackupFile = ".pixform/state.json.backup"
	// JournalFile holds the records not yet folded into state.json, one JSON
	// object a line.
	JournalFile = ".pixform/journal.jsonl"
	// LockFile is the directory lock an apply holds (see Open).
	LockFile = ".pixform/lock.json"
	// LockfileName is the committed lockfile (see Lock).
	LockfileName = "pixform.lock.hcl"
)

// stateDir is the directory of the local files.
const stateDir = ".pixform"

// filePath joins a slash path relative to the spec dir onto dir.
func filePath(dir, rel string) string {
	return filepath.Join(dir, filepath.FromSlash(rel))
}

// New returns an empty state with a fresh lineage: the current Version,
// serial 0 and empty (non-nil) maps.
func New() *State {
	return &State{
		Version: Version,
		Lineage: newID(),
		Assets:  map[string]*Asset{},
		Pending: map[string]*Pending{},
		Files:   map[string]FileHash{},
		Models:  map[string]ModelStats{},
	}
}

// Clone deep-copies a state: no map, slice or pointer is shared with s. The
// copy's maps are never nil. Clone of a nil state is nil.
func (s *State) Clone() *State {
	if s == nil {
		return nil
	}
	c := &State{
		Version: s.Version,
		Serial:  s.Serial,
		Lineage: s.Lineage,
		Assets:  make(map[string]*Asset, len(s.Assets)),
		Pending: make(map[string]*Pending, len(s.Pending)),
		Files:   make(map[string]FileHash, len(s.Files)),
		Models:  make(map[string]ModelStats, len(s.Models)),
	}
	for k, a := range s.Assets {
		c.Assets[k] = a.clone()
	}
	for k, p := range s.Pending {
		if p != nil {
			cp := *p
			c.Pending[k] = &cp
		}
	}
	maps.Copy(c.Files, s.Files)
	maps.Copy(c.Models, s.Models)
	return c
}

// clone deep-copies an asset.
func (a *Asset) clone() *Asset {
	if a == nil {
		return nil
	}
	c := *a
	if a.Inputs != nil {
		c.Inputs = maps.Clone(a.Inputs)
	}
	if a.Refs != nil {
		c.Refs = append([]string(nil), a.Refs...)
	}
	if a.Ignored != nil {
		c.Ignored = append([]string(nil), a.Ignored...)
	}
	return &c
}

// normalize replaces nil maps with empty ones and drops nil entries, so a
// state read from disk behaves like one made by New.
func (s *State) normalize() {
	if s.Assets == nil {
		s.Assets = map[string]*Asset{}
	}
	if s.Pending == nil {
		s.Pending = map[string]*Pending{}
	}
	if s.Files == nil {
		s.Files = map[string]FileHash{}
	}
	if s.Models == nil {
		s.Models = map[string]ModelStats{}
	}
	maps.DeleteFunc(s.Assets, func(_ string, a *Asset) bool { return a == nil })
	maps.DeleteFunc(s.Pending, func(_ string, p *Pending) bool { return p == nil })
}

// newID returns a random, UUID-shaped (version 4) identifier, used for
// lineages and lock IDs.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
