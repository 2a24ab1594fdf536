package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	iofs "io/fs"

	"github.com/spf13/afero"
)

// Load reads the state of the spec directory dir: state.json with the
// journal replayed over it, read-only and without the directory lock (plan
// uses it; apply uses Open). Its Serial is the one the next write of
// state.json will carry, so a plan made from it is not stale for the apply
// that folds the journal.
//
// A missing state.json is New() (with the lineage of a journal, if one
// was begun). A corrupt state.json, one of an unknown version or a journal
// damaged other than by a crash is an error that says what to do; pixform
// never treats them as empty. A last journal line torn by a crash is
// ignored, and so is a journal left over by a fold that crashed after
// writing state.json.
func Load(fs afero.Fs, dir string) (*State, error) {
	d, err := load(fs, dir)
	if err != nil {
		return nil, err
	}
	return d.state, nil
}

// LoadWithLock is Load and ReadLock together, as a plan reads them. When
// an apply stopped before it folded its journal (it was killed), the
// lockfile on disk lags behind the state; the next apply rewrites it at
// Open, before it plans. LoadWithLock returns that lockfile instead, so a
// plan made now (and saved with -out) sees what that apply will see.
func LoadWithLock(fs afero.Fs, dir string) (*State, *Lock, error) {
	d, err := load(fs, dir)
	if err != nil {
		return nil, nil, err
	}
	if len(d.records) == 0 {
		lock, err := ReadLock(fs, dir)
		return d.state, lock, err
	}
	_, only, err := readLockFor(fs, dir, d.state)
	if err != nil {
		return nil, nil, err
	}
	for i := range d.records {
		applyLockOnly(only, &d.records[i])
	}
	return d.state, lockWith(d.state, only), nil
}

// disk is what load read.
type disk struct {
	state   *State   // state.json with the journal replayed, Serial as a fold would write it
	base    *State   // state.json as read (or the empty state a journal begun)
	exists  bool     // state.json exists
	journal bool     // a journal file exists, whether or not it was replayed
	records []record // the journal records replayed over base
	raw     []byte   // state.json as read
}

// load reads state.json and replays the journal over it.
func load(fs afero.Fs, dir string) (*disk, error) {
	d := &disk{}
	data, err := afero.ReadFile(fs, filePath(dir, StateFile))
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		d.base = New()
	case err != nil:
		return nil, fmt.Errorf("read state: %w", err)
	default:
		d.exists, d.raw = true, data
		if d.base, err = decodeState(data); err != nil {
			return nil, err
		}
	}

	jdata, err := afero.ReadFile(fs, filePath(dir, JournalFile))
	if err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return nil, fmt.Errorf("read state journal: %w", err)
	}
	d.journal = err == nil
	hdr, recs, err := parseJournal(jdata)
	if err != nil {
		return nil, err
	}
	if hdr != nil && !d.exists {
		// The first journal of this directory: state.json was never written.
		d.base.Lineage, d.base.Serial = hdr.Lineage, hdr.Serial
	}
	if hdr == nil || hdr.Lineage != d.base.Lineage || hdr.Serial != d.base.Serial {
		// No journal, or a stale one already folded into state.json:
		// nothing is replayed, so the state is base itself, not a copy
		// (newJournal encodes base before anything changes the state).
		d.state = d.base
		return d, nil
	}
	d.state = d.base.Clone()
	for i := range recs {
		recs[i].apply(d.state)
	}
	d.records = recs
	if len(recs) > 0 {
		baseEnc, err := encodeState(d.base)
		if err != nil {
			return nil, err
		}
		if d.state.Serial, err = nextSerial(d.state, d.base.Serial, baseEnc); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// encodeState returns s as state.json holds it: indented JSON with sorted
// keys and a trailing newline.
func encodeState(s *State) ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode state: %w", err)
	}
	return append(b, '\n'), nil
}

// foldState returns what state.json must hold for cur, given that it holds
// baseEnc (serial baseSerial): with the same serial when the content did not
// change (changed false), with the next serial otherwise.
func foldState(cur *State, baseSerial uint64, baseEnc []byte) (data []byte, serial uint64, changed bool, err error) {
	c := *cur // shallow: only Serial differs
	c.Serial = baseSerial
	if data, err = encodeState(&c); err != nil {
		return nil, 0, false, err
	}
	if bytes.Equal(data, baseEnc) {
		return data, baseSerial, false, nil
	}
	c.Serial = baseSerial + 1
	data, err = encodeState(&c)
	return data, c.Serial, true, err
}

// nextSerial is the serial a fold of cur over baseEnc (serial baseSerial)
// gives, without encoding cur twice.
func nextSerial(cur *State, baseSerial uint64, baseEnc []byte) (uint64, error) {
	c := *cur
	c.Serial = baseSerial
	data, err := encodeState(&c)
	if err != nil || bytes.Equal(data, baseEnc) {
		return baseSerial, err
	}
	return baseSerial + 1, nil
}

// decodeState parses state.json. A file of this version, the common case,
// is decoded in one pass; any other, or one that does not decode, has its
// version read first, so that a newer file asks for an upgrade rather than
// being called corrupt.
func decodeState(data []byte) (*State, error) {
	if s, ok := decodeFast(data); ok && s.Version == Version { // decode_fast.go
		return checkState(data, s)
	}
	var s State
	if err := json.Unmarshal(data, &s); err == nil && s.Version == Version {
		return checkState(data, &s)
	}
	return decodeStateVersioned(data)
}

// decodeStateVersioned parses state.json, reading its version first.
func decodeStateVersioned(data []byte) (*State, error) {
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, corruptError(data, err)
	}
	switch {
	case head.Version == nil:
		return nil, corruptError(data, errors.New("it has no version"))
	case *head.Version > Version:
		return nil, fmt.Errorf("state file %s has version %d, but this pixform reads version %d: upgrade pixform",
			StateFile, *head.Version, Version)
	case *head.Version != Version:
		return nil, corruptError(data, fmt.Errorf("version %d, which no pixform writes", *head.Version))
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, corruptError(data, err)
	}
	return checkState(data, &s)
}

// checkState finishes a decoded state.json of this version.
func checkState(data []byte, s *State) (*State, error) {
	if s.Lineage == "" {
		return nil, corruptError(data, errors.New("it has no lineage"))
	}
	s.normalize()
	return s, nil
}

// corruptError explains a state.json that cannot be read.
func corruptError(data []byte, err error) error {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	where := ""
	if off >= 0 && off <= int64(len(data)) {
		where = fmt.Sprintf(" at line %d", bytes.Count(data[:off], []byte("\n"))+1)
	}
	return fmt.Errorf("state file %s is corrupt (%w%s), and pixform will not guess what it held: "+
		"restore the previous state with `cp %s %s` if that backup exists (plan then shows what changed since), "+
		"or move %s aside: pixform then starts from %s, which still records every committed image, "+
		"and forgets only tasks in flight and the cost history",
		StateFile, err, where, BackupFile, StateFile, StateFile, LockfileName)
}
