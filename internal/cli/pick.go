package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
	"github.com/pixform/pixform/store"
)

// candidate is one generation of an image's current fingerprint that the
// store holds, numbered from 1, oldest first.
type candidate struct {
	N       int
	Gen     store.Generation
	Current bool // the output holds it, as recorded
	Picked  bool // recorded as the pick
}

// recordOf is what the state (or, on a fresh clone, the lockfile) records
// of addr: its output, image, fingerprint and pick.
func recordOf(st *state.State, lock *state.Lock, addr string) (*state.Asset, bool) {
	if a := st.Assets[addr]; a != nil {
		return a, true
	}
	if lock != nil {
		for _, li := range lock.Images {
			if li.Addr == addr {
				return &state.Asset{Addr: li.Addr, Output: li.Output, SHA256: li.SHA256, Fingerprint: li.Fingerprint, Model: li.Model, Pick: li.Pick}, true
			}
		}
	}
	return nil, false
}

// candidatesOf lists the candidates of the recorded image rec.
func (e *env) candidatesOf(s store.Store, rec *state.Asset) ([]candidate, error) {
	gens, err := s.Generations(e.ctx, store.Query{Fingerprint: rec.Fingerprint})
	if err != nil {
		return nil, err
	}
	var out []candidate
	for _, g := range gens {
		if ok, err := s.Has(e.ctx, g.SHA256); err != nil || !ok {
			continue // collected, or moved aside as corrupt
		}
		out = append(out, candidate{N: len(out) + 1, Gen: g, Current: g.SHA256 == rec.SHA256, Picked: g.SHA256 == rec.Pick})
	}
	return out, nil
}

// errNoCandidates is a pick of an image that has fewer than two candidates.
var errNoCandidates = errors.New("no candidates")

// pickError is a pick that names no candidate of the image.
type pickError struct {
	which string
	list  []candidate
}

func (e *pickError) Error() string {
	return fmt.Sprintf("%q names none of its candidates (a number from 1 to %d, or a sha256 prefix of at least 6 digits); they are:\n%s",
		e.which, len(e.list), candidateTable(e.list))
}

// choose finds the candidate which names: its number, or a prefix of its
// sha256 ("sha256:" optional) of at least 6 hex digits.
func choose(list []candidate, which string) (candidate, error) {
	if n, err := strconv.Atoi(which); err == nil {
		if n >= 1 && n <= len(list) {
			return list[n-1], nil
		}
		return candidate{}, &pickError{which, list}
	}
	h := strings.ToLower(strings.TrimPrefix(which, "sha256:"))
	var found []candidate
	if len(h) >= 6 {
		for _, c := range list {
			if strings.HasPrefix(strings.TrimPrefix(c.Gen.SHA256, "sha256:"), h) {
				found = append(found, c)
			}
		}
	}
	if len(found) != 1 {
		return candidate{}, &pickError{which, list}
	}
	return found[0], nil
}

// pick copies the candidate which of addr to its output and records it
// as the image and its pick, in the state and the lockfile, under the state
// lock (refused while an apply holds it, unless it is released within
// lockTimeout). No network is used. The served gallery picks through it too.
func (e *env) pick(addr, which string, lockTimeout time.Duration) (candidate, *state.Asset, error) {
	st, err := e.openBackend(lockTimeout) // backend.go: local or pg
	if err != nil {
		return candidate{}, nil, err
	}
	c, rec, err := e.pickLocked(st, addr, which)
	if cerr := st.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return c, rec, err
}

func (e *env) pickLocked(st state.Backend, addr, which string) (candidate, *state.Asset, error) {
	lock, err := state.ReadLock(e.fs, e.dir)
	if err != nil {
		return candidate{}, nil, err
	}
	prev, ok := recordOf(st.State(), lock, addr)
	if !ok {
		return candidate{}, nil, fmt.Errorf("%s is not recorded: pixform has made no image for it yet. Set variants = N on it and run 'pixform apply' to make candidates to pick from", addr)
	}
	s := e.imageStore()
	list, err := e.candidatesOf(s, prev)
	if err != nil {
		return candidate{}, nil, err
	}
	if len(list) < 2 {
		return candidate{}, nil, fmt.Errorf("%s has %d image(s) of its current inputs in the store, so there is nothing to pick from (%w): set variants = N (2 to %d) on it and run 'pixform apply' to make candidates", addr, len(list), errNoCandidates, spec.MaxVariants)
	}
	c, err := choose(list, which)
	if err != nil {
		return candidate{}, nil, fmt.Errorf("pick %s: %w", addr, err)
	}
	full := filepath.Join(e.dir, filepath.FromSlash(prev.Output))
	if err := e.fs.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return candidate{}, nil, err
	}
	if err := s.CopyTo(e.ctx, c.Gen.SHA256, e.fs, full); err != nil {
		return candidate{}, nil, fmt.Errorf("pick %s: %w; the output and the records are unchanged", addr, err)
	}
	rec := *prev
	rec.SHA256, rec.Pick = c.Gen.SHA256, c.Gen.SHA256
	rec.TaskID, rec.Consumed, rec.GeneratedAt = c.Gen.TaskID, c.Gen.Credits, c.Gen.Created.UTC()
	if err := st.RecordDone(rec); err != nil {
		return candidate{}, nil, err
	}
	return c, &rec, nil
}

// candidateTable lists candidates, one a line: number, sha256 prefix, date,
// credits, dimensions and marks.
func candidateTable(list []candidate) string {
	var b strings.Builder
	for _, c := range list {
		var marks []string
		if c.Picked {
			marks = append(marks, "picked")
		}
		if c.Current {
			marks = append(marks, "output")
		}
		dims := "?"
		if c.Gen.Width > 0 {
			dims = fmt.Sprintf("%dx%d", c.Gen.Width, c.Gen.Height)
		}
		fmt.Fprintf(&b, "  %d  %s  %s  %s credits  %s", c.N, shortSum(c.Gen.SHA256), c.Gen.Created.UTC().Format("2006-01-02 15:04 UTC"), credits(c.Gen.Credits), dims)
		if len(marks) > 0 {
			fmt.Fprintf(&b, "  (%s)", strings.Join(marks, ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func runCandidates(e *env, args []string) int {
	ca, err := parseCandidates(args)
	if err != nil {
		return e.argError(err)
	}
	addr := ca.addr
	st, lock, err := state.LoadWithLock(e.fs, e.dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	rec, ok := recordOf(st, lock, addr)
	if !ok {
		return e.errorf("%s is not recorded: pixform has made no image for it yet. Run 'pixform apply' first.", addr)
	}
	list, err := e.candidatesOf(e.imageStore(), rec)
	if err != nil {
		return e.errorf("%v", err)
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "The store holds no image of the current inputs of %s (a fresh clone, or collected): there is nothing to pick from.\n", addr)
		return ExitOK
	}
	fmt.Fprintf(e.stdout, "Candidates of %s (%s):\n%s", addr, rec.Output, candidateTable(list))
	if len(list) > 1 {
		fmt.Fprintf(e.stdout, "\nPick one with: pixform pick %s N\n", addr)
	}
	return ExitOK
}

func runPick(e *env, args []string) int {
	pa, err := parsePick(args)
	if err != nil {
		return e.argError(err)
	}
	addr, lockTimeout := pa.addr, &pa.lockTimeout
	c, rec, err := e.pick(addr, pa.candidate, *lockTimeout)
	if err != nil {
		return e.errorf("%v", err)
	}
	fmt.Fprintf(e.stdout, "%s: picked candidate %d (%s); %s holds it, and the state and %s record it.\n", addr, c.N, c.Gen.SHA256, rec.Output, state.LockfileName)
	return ExitOK
}
