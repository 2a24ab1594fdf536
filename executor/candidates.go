package executor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"sync"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
)

// candidate is one candidate of an image with variants that this apply
// makes. Its task is recorded under its own key (planner.CandidateKey), so
// that a SIGKILL among candidates resumes each by its task id; its image
// goes to the store through a file of its own, never over the output.
type candidate struct {
	key    string
	addr   string
	asset  *planner.Change // the image's change
	claims bool            // the output takes the first candidate that lands
}

// candidates holds what generateCandidates needs across goroutines.
type candidates struct {
	mu      sync.Mutex
	byKey   map[string]*candidate
	claimed map[string]bool // images whose output a candidate of this apply took
}

func (c *candidates) get(key string) *candidate {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byKey[key]
}

// claim reports whether the caller is the first to take the output of
// addr; release gives it back after a failed copy.
func (c *candidates) claim(addr string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.claimed[addr] {
		return false
	}
	c.claimed[addr] = true
	return true
}

func (c *candidates) release(addr string) {
	c.mu.Lock()
	delete(c.claimed, addr)
	c.mu.Unlock()
}

// candidateChanges makes the changes of the candidates of ch, one per key
// (planner.CandidateKeys), each booked at its share of ch.Cost. They are
// made before any generation starts, while nothing writes the state.
func (e *executor) candidateChanges(ch *planner.Change) []*planner.Change {
	keys, _ := planner.CandidateKeys(e.pending, ch.Addr, ch.Fingerprint, ch.Candidates)
	e.cands.mu.Lock()
	defer e.cands.mu.Unlock()
	out := make([]*planner.Change, 0, len(keys))
	for _, key := range keys {
		a := *ch.Asset
		a.Addr = key
		sum := sha256.Sum256([]byte(key))
		a.Output = ".pixform/candidates/" + hex.EncodeToString(sum[:8]) + path.Ext(ch.Asset.Output)
		cc := *ch
		cc.Addr, cc.Asset, cc.Cost = key, &a, ch.Cost/float64(len(keys))
		e.cands.byKey[key] = &candidate{key: key, addr: ch.Addr, asset: ch, claims: ch.Action.Generates()}
		out = append(out, &cc)
	}
	return out
}

// generateCandidates makes the candidates of one image in parallel (each
// holds a slot like any image). The image lands when its output holds one
// of them (or, adding candidates, when one landed); a candidate that fails
// is reported and the others go on.
func (e *executor) generateCandidates(ctx context.Context, ch *planner.Change, ccs []*planner.Change) result {
	results := make([]result, len(ccs))
	var wg sync.WaitGroup
	for i, cc := range ccs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.generate(ctx, cc)
		}()
	}
	wg.Wait()
	var errs []error
	landed, skippedAll := 0, true
	for _, r := range results {
		switch r.outcome { // each candidate leaves the run under its key, as an image does
		case ok:
			landed++
			skippedAll = false
			continue
		case failed:
			skippedAll = false
			e.emit(Event{Kind: EventFailed, Addr: r.addr, Message: r.err.Error()})
		case skipped:
			e.emit(Event{Kind: EventSkipped, Addr: r.addr, Message: r.err.Error()})
		}
		errs = append(errs, fmt.Errorf("candidate %s: %w", r.addr, r.err))
	}
	switch {
	case landed > 0 && (!ch.Action.Generates() || e.cands.claimedBy(ch.Addr)):
		return result{addr: ch.Addr, outcome: ok}
	case landed > 0:
		return result{addr: ch.Addr, outcome: failed, err: fmt.Errorf("%d candidate(s) landed in the store, but none could be copied to %s: %w", landed, ch.Asset.Output, errors.Join(errs...))}
	case skippedAll && len(errs) > 0:
		return result{addr: ch.Addr, outcome: skipped, err: errs[0]}
	}
	return result{addr: ch.Addr, outcome: failed, err: errors.Join(errs...)}
}

func (c *candidates) claimedBy(addr string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.claimed[addr]
}

// finishCandidate keeps a downloaded candidate: its generation is recorded
// under the image's address, the first to land of a generating change
// becomes the output (a copy out of the store) and is recorded as the
// image, and the candidate's task is settled.
func (e *executor) finishCandidate(ctx context.Context, c *candidate, prov provider.Provider, taskID string, consumed float64, fp string, inputs map[string]string, sum string) (outcome, error) {
	a := c.asset.Asset
	_ = e.opts.Fs.Remove(e.path(candidateOutput(e, c.key))) // best effort: the store holds it
	if err := e.addGeneration(ctx, generation(sum, fp, c.addr, taskID, prov.Kind(), a.Model, consumed, e.opts.Now())); err != nil {
		return failed, keepFailure(taskID, err, e.whereKept(c.key, taskID))
	}
	if c.claims && e.cands.claim(c.addr) {
		if err := e.placeCandidate(ctx, a.Output, sum); err != nil {
			e.cands.release(c.addr)
			return failed, fmt.Errorf("task %s: copy the candidate to %s: %w (%s)", taskID, a.Output, err, e.whereKept(c.key, taskID))
		}
		rec := planner.Record(a, inputs, fp, sum)
		rec.TaskID, rec.Consumed, rec.GeneratedAt = taskID, consumed, e.opts.Now().UTC()
		if err := e.opts.Store.RecordDone(rec); err != nil {
			return failed, fmt.Errorf("%w (the candidate is written; %s)", err, e.whereKept(c.key, taskID))
		}
		if fi, err := e.opts.Fs.Stat(e.path(a.Output)); err == nil {
			e.stamp(a.Output, planner.Stamp(fi, sum))
		}
	}
	if err := e.opts.Store.RecordAbandoned(c.key); err != nil { // settled: its image is in the store
		return failed, err
	}
	return ok, nil
}

// placeCandidate copies a stored candidate to an output.
func (e *executor) placeCandidate(ctx context.Context, output, sum string) error {
	full := e.path(output)
	if err := e.inside(full); err != nil {
		return err
	}
	if err := e.opts.Fs.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	return e.opts.Images.CopyTo(ctx, sum, e.opts.Fs, full)
}

// candidateOutput is the file a candidate is downloaded to.
func candidateOutput(e *executor, key string) string {
	e.cands.mu.Lock()
	defer e.cands.mu.Unlock()
	sum := sha256.Sum256([]byte(key))
	return ".pixform/candidates/" + hex.EncodeToString(sum[:8]) + path.Ext(e.cands.byKey[key].asset.Asset.Output)
}
