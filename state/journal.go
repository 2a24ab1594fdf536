package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The journal (.pixform/journal.jsonl) holds what a Store recorded since
// state.json was last written, one JSON object a line. Its first line is a
// header naming the state it applies to (lineage and serial); every other
// line is one Record* call. A record is appended and fsynced before the call
// returns, so it costs O(1) whatever the size of the state; folding the
// journal into state.json (see Store) rewrites the state and removes it.
//
// A crash can tear only the last line, which replay ignores (its call never
// returned). A journal whose header names another serial or lineage than
// state.json is stale: a fold wrote state.json and crashed before removing
// the journal, whose records are then already in state.json.

// journalVersion is the format of the journal header.
const journalVersion = 1

// Record operations.
const (
	opBegin     = "begin" // the header
	opIntent    = "intent"
	opSubmitted = "submitted"
	opDone      = "done"
	opAbandoned = "abandoned"
	opForget    = "forget"
	opMove      = "move"
	opFiles     = "files"
	opUnsent    = "unsent"    // the pending entry's Unsent
	opAmbiguous = "ambiguous" // the pending entry's Ambiguous
	opCounted   = "counted"   // the pending entry's Counted
)

// record is one line of the journal. Which fields are set depends on Op.
type record struct {
	Op      string              `json:"op"`
	Version int                 `json:"version,omitempty"` // begin
	Lineage string              `json:"lineage,omitempty"` // begin
	Serial  uint64              `json:"serial,omitempty"`  // begin
	Addr    string              `json:"addr,omitempty"`    // submitted, abandoned, forget, move (from), unsent, ambiguous, counted
	To      string              `json:"to,omitempty"`      // move
	Output  string              `json:"output,omitempty"`  // move
	TaskID  string              `json:"task_id,omitempty"` // submitted
	At      time.Time           `json:"at,omitzero"`       // submitted
	Pending *Pending            `json:"pending,omitempty"` // intent
	Asset   *Asset              `json:"asset,omitempty"`   // done
	Files   map[string]FileHash `json:"files,omitempty"`   // files
}

// encode returns the record as one journal line, newline included.
func (r *record) encode() ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode %s record: %w", r.Op, err)
	}
	return append(b, '\n'), nil
}

// apply performs the record on s. It is lenient, because the Store checked
// the record before journaling it: what it names but s lacks is skipped.
func (r *record) apply(s *State) {
	switch r.Op {
	case opIntent:
		if r.Pending == nil {
			return
		}
		p := *r.Pending
		p.TaskID, p.SubmittedAt, p.Unsent, p.Counted = "", time.Time{}, false, false
		s.Pending[p.Addr] = &p
	case opSubmitted:
		if p := s.Pending[r.Addr]; p != nil {
			p.TaskID, p.SubmittedAt = r.TaskID, r.At
		}
	case opDone:
		if r.Asset == nil {
			return
		}
		a := r.Asset.clone()
		prev := s.Assets[a.Addr]
		s.Assets[a.Addr] = a
		delete(s.Pending, a.Addr)
		// A task counts once: re-recording an asset (a move) is no new spending.
		// Offline placeholders cost nothing and would drag a model's estimate to 0.
		if a.TaskID != "" && a.Provider != "offline" && (prev == nil || prev.TaskID != a.TaskID) {
			m := s.Models[a.Model]
			m.Tasks++
			m.Consumed += a.Consumed
			s.Models[a.Model] = m
		}
	case opAbandoned:
		delete(s.Pending, r.Addr)
	case opUnsent, opAmbiguous, opCounted:
		if p := s.Pending[r.Addr]; p != nil {
			p.Unsent = p.Unsent || r.Op == opUnsent
			p.Ambiguous = p.Ambiguous || r.Op == opAmbiguous
			p.Counted = p.Counted || r.Op == opCounted
		}
	case opForget:
		delete(s.Assets, r.Addr)
		delete(s.Pending, r.Addr)
	case opMove:
		a := s.Assets[r.Addr]
		if a == nil {
			return
		}
		delete(s.Assets, r.Addr)
		a.Addr = r.To
		if r.Output != "" {
			a.Output = r.Output
		}
		s.Assets[r.To] = a
	case opFiles:
		for k, h := range r.Files {
			if h.SHA256 == "" {
				delete(s.Files, k)
			} else {
				s.Files[k] = h
			}
		}
	}
}

// check reports what makes a parsed record unusable.
func (r *record) check() error {
	bad := false
	switch r.Op {
	case opBegin, opFiles:
	case opIntent:
		bad = r.Pending == nil || r.Pending.Addr == ""
	case opDone:
		bad = r.Asset == nil || r.Asset.Addr == ""
	case opSubmitted, opAbandoned, opForget, opUnsent, opAmbiguous, opCounted:
		bad = r.Addr == ""
	case opMove:
		bad = r.Addr == "" || r.To == ""
	default:
		return fmt.Errorf("unknown operation %q", r.Op)
	}
	if bad {
		return fmt.Errorf("incomplete %s record", r.Op)
	}
	return nil
}

// validate checks r against the state s it is about to be performed on,
// as every backend does before recording it: errNothing when it would
// change nothing, an error naming the call when it cannot be recorded.
// lockOnly reports the images only the lockfile knows (a fresh clone's),
// which Forget and Move accept too; nil means none.
func (r *record) validate(s *State, lockOnly func(addr string) bool) error {
	inLock := func(addr string) bool { return lockOnly != nil && lockOnly(addr) }
	switch r.Op {
	case opIntent:
		if r.Pending == nil || r.Pending.Addr == "" {
			return errors.New("record intent: the pending task has no address")
		}
	case opDone:
		if r.Asset == nil || r.Asset.Addr == "" {
			return errors.New("record done: the asset has no address")
		}
	case opSubmitted:
		if r.TaskID == "" {
			return fmt.Errorf("record submitted %s: empty task id", r.Addr)
		}
		if s.Pending[r.Addr] == nil {
			return fmt.Errorf("record submitted %s: no intent was recorded for it", r.Addr)
		}
	case opAbandoned, opUnsent, opAmbiguous, opCounted:
		if s.Pending[r.Addr] == nil {
			return errNothing // abandoned or done meanwhile: nothing to drop or mark
		}
	case opForget:
		if s.Assets[r.Addr] == nil && s.Pending[r.Addr] == nil && !inLock(r.Addr) {
			return errNothing
		}
	case opMove:
		if r.Addr == "" || r.To == "" {
			return fmt.Errorf("move %q to %q: empty address", r.Addr, r.To)
		}
		if s.Assets[r.Addr] == nil && !inLock(r.Addr) {
			return fmt.Errorf("move %s to %s: %s is not in the state", r.Addr, r.To, r.Addr)
		}
		if r.To != r.Addr && s.Assets[r.To] != nil {
			return fmt.Errorf("move %s to %s: %s is already in the state; forget it first", r.Addr, r.To, r.To)
		}
	}
	return nil
}

// parseJournal splits a journal into its header and records. A last line
// that does not parse is a write torn by a crash and is ignored; any other
// bad line is an error. An empty journal (or one whose only line is torn)
// has a nil header.
func parseJournal(data []byte) (*record, []record, error) {
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1] // the newline ending the last record
	}
	var hdr *record
	var recs []record
	for i, line := range lines {
		var r record
		err := json.Unmarshal(line, &r)
		switch {
		case err == nil && r.check() != nil:
			err = r.check()
		case err == nil && i == 0 && r.Op != opBegin:
			err = fmt.Errorf("it does not start with a header")
		case err == nil && i > 0 && r.Op == opBegin:
			err = fmt.Errorf("a second header")
		}
		if err != nil {
			if i == len(lines)-1 {
				break // torn by a crash: its Record call never returned
			}
			return nil, nil, journalError(i+1, err)
		}
		if i == 0 {
			if r.Version != journalVersion {
				return nil, nil, fmt.Errorf("journal %s has version %d, but this pixform reads version %d: upgrade pixform",
					JournalFile, r.Version, journalVersion)
			}
			hdr = &r
			continue
		}
		recs = append(recs, r)
	}
	return hdr, recs, nil
}

// journalError explains a damaged journal line that a crash cannot explain.
func journalError(line int, err error) error {
	return fmt.Errorf("journal %s is corrupt at line %d (%v), which is not its last line, so a crash did not cause it; "+
		"it holds what the last apply recorded after %s was written: move it aside to drop those records "+
		"(plan will then show their images as changes, and task ids in it are forgotten, so check the service for tasks already paid for)",
		JournalFile, line, err, StateFile)
}
