package executor

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/afero"
	"golang.org/x/sync/errgroup"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/state"
	"github.com/pixform/pixform/store"
)

// Defaults of Options.
const (
	DefaultParallelism   = 10
	DefaultNotFoundGrace = 5 * time.Minute
	DefaultMaxImageBytes = 64 << 20
)

// Options configure an apply.
type Options struct {
	Fs          afero.Fs
	Dir         string                       // the spec directory; outputs are relative to it
	Store       state.Backend                // the local *state.Store or another backend
	Providers   map[string]provider.Provider // by kind
	Parallelism int                          // tasks in flight; DefaultParallelism when 0
	// NotFoundGrace is how long after its submission a task that answers 404
	// is taken as not visible yet rather than lost. A provider block's
	// not_found_grace overrides it.
	NotFoundGrace time.Duration
	MaxImageBytes int64   // cap on one downloaded image
	MaxCredits    float64 // stop submitting once this much was consumed; 0 means no cap
	OnEvent       func(Event)
	// PollFirst and PollMax bound polling: the first query waits about the
	// typical task time learnt so far (PollFirst before anything is learnt);
	// later ones back off up to PollMax.
	PollFirst, PollMax time.Duration
	Now                func() time.Time
	// ResumeTasks are task ids, by address, to wait on instead of
	// submitting (apply -resume-task): ids an earlier apply learnt but
	// could not record. Each must be an image the plan generates.
	ResumeTasks map[string]string
	// ResubmitAmbiguous allows submitting again every image an earlier
	// apply gave up on after lost answers (see ErrAmbiguous); Resubmit
	// allows it for the images named (-replace).
	ResubmitAmbiguous bool
	Resubmit          []string
	// Images, when set, keeps every image downloaded (before it is renamed
	// to its output) and records its generation (before the state records
	// the image): a failure to keep it fails the image and keeps its task
	// id, so that the next apply downloads it again instead of paying.
	Images store.Store
}

type executor struct {
	opts     Options
	plan     *planner.Plan
	pending  map[string]*state.Pending
	priors   map[string]*state.Asset
	tracker  *tracker
	slots    chan struct{} // one per task in flight at a service, of Parallelism
	cpus     chan struct{} // one per derive being built, of GOMAXPROCS
	authErr  atomic.Pointer[error]
	mu       sync.Mutex // guards consumed and emit ordering
	consumed float64
	reserved float64                   // estimated credits of tasks in flight, against MaxCredits
	written  map[string]state.FileHash // hash-cache entries of the images written
	known    map[string]KnownTask      // task ids the state could not record, by address
	cands    candidates                // the candidates of images with variants (candidates.go)
}

// Apply carries out the plan, after Settle: state renames of moved blocks,
// deletes and file moves, then every generation in dependency order. It
// returns an error when a move or delete cannot be done or recorded; an
// image that fails, its state records included, is a Failure in the
// Summary and everything not depending on it goes on.
func Apply(ctx context.Context, p *planner.Plan, opts Options) (Summary, error) {
	start := time.Now()
	if opts.Parallelism <= 0 {
		opts.Parallelism = DefaultParallelism
	}
	if opts.NotFoundGrace <= 0 {
		opts.NotFoundGrace = DefaultNotFoundGrace
	}
	if opts.MaxImageBytes <= 0 {
		opts.MaxImageBytes = DefaultMaxImageBytes
	}
	if opts.PollFirst <= 0 {
		opts.PollFirst = time.Second
	}
	if opts.PollMax <= 0 {
		opts.PollMax = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	st := opts.Store.State()
	e := &executor{opts: opts, plan: p, pending: st.Pending, priors: st.Assets, tracker: newTracker(opts.PollFirst, opts.PollMax),
		slots: make(chan struct{}, opts.Parallelism), cpus: make(chan struct{}, runtime.GOMAXPROCS(0))}
	e.cands.byKey, e.cands.claimed = map[string]*candidate{}, map[string]bool{}

	var sum Summary
	if err := CheckResume(p, opts.ResumeTasks); err != nil {
		return sum, err
	}
	if err := e.fileChanges(&sum); err != nil {
		return sum, err
	}
	e.warnStrayPending()
	if err := e.restoreAll(ctx, &sum); err != nil {
		return sum, err
	}
	err := e.generateAll(ctx, &sum)
	if serr := opts.Store.SetFiles(e.written); serr != nil && err == nil {
		err = serr
	}
	sum.Consumed = e.consumed
	sum.Unrecorded = e.knownTasks()
	sum.Duration = time.Since(start)
	sort.Slice(sum.Failures, func(i, j int) bool { return sum.Failures[i].Addr < sum.Failures[j].Addr })
	return sum, err
}

type outcome int

const (
	ok outcome = iota
	failed
	skipped
)

type result struct {
	addr    string
	outcome outcome
	err     error
}

// generateAll runs the generations as a DAG: an image starts once everything
// it depends on is done, independent images run in parallel. Parallelism
// bounds the tasks in flight at the service (see generate); twice as many
// images may be under way, so that downloading and recording one image
// never holds back the submission of the next.
func (e *executor) generateAll(ctx context.Context, sum *Summary) error {
	nodes := map[string]*planner.Change{}
	for i := range e.plan.Changes {
		if ch := &e.plan.Changes[i]; ch.Action.Pays() || (ch.Action == planner.Restore && ch.Candidates > 0) || ch.Action == planner.Derive {
			nodes[ch.Addr] = ch
		}
	}
	cands := map[string][]*planner.Change{} // made before anything writes the state
	for addr, ch := range nodes {
		if ch.Candidates > 0 && e.opts.Images != nil { // without a store a candidate could not be kept
			cands[addr] = e.candidateChanges(ch)
		}
	}
	waiting := map[string]int{}
	dependents := map[string][]string{}
	for addr, ch := range nodes {
		for _, d := range ch.Asset.DependsOn {
			if nodes[d] != nil {
				waiting[addr]++
				dependents[d] = append(dependents[d], addr)
			}
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(2 * e.opts.Parallelism)
	results := make(chan result, len(nodes))
	blocked := map[string]string{} // addr -> the upstream that did not land
	launch := func(addr string) {
		ch, why := nodes[addr], blocked[addr]
		g.Go(func() error {
			if why != "" {
				results <- result{addr: addr, outcome: skipped, err: fmt.Errorf("skipped: %s did not land", why)}
				return nil
			}
			var r result
			switch ccs := cands[addr]; {
			case ch.Action == planner.Derive:
				r = e.deriveOne(gctx, ch)
			case ccs != nil:
				r = e.generateCandidates(gctx, ch, ccs)
			default:
				r = e.generate(gctx, ch)
			}
			if r.outcome == ok && ch.Asset.Check != nil {
				if err := e.checkOutput(ch); err != nil {
					r = result{addr: r.addr, outcome: failed, err: err}
				}
			}
			results <- r
			return nil
		})
	}
	var ready []string
	for addr := range nodes {
		if waiting[addr] == 0 {
			ready = append(ready, addr)
		}
	}
	sort.Strings(ready)
	for _, addr := range ready {
		launch(addr)
	}
	for done := 0; done < len(nodes); done++ {
		r := <-results
		if r.outcome == ok && nodes[r.addr].Action == planner.Derive {
			sum.Derived++
		} else {
			e.tally(sum, r)
		}
		deps := dependents[r.addr]
		sort.Strings(deps)
		for _, d := range deps {
			var ce *CheckError // landed, kept: what depends on it goes on
			if r.outcome != ok && blocked[d] == "" && !errors.As(r.err, &ce) {
				blocked[d] = r.addr
			}
			if waiting[d]--; waiting[d] == 0 {
				launch(d)
			}
		}
	}
	return g.Wait()
}

func (e *executor) tally(sum *Summary, r result) {
	switch r.outcome {
	case ok:
		sum.Generated++
	case failed:
		sum.Failed++
		sum.Failures = append(sum.Failures, Failure{Addr: r.addr, Err: r.err})
		e.emit(Event{Kind: EventFailed, Addr: r.addr, Message: r.err.Error()})
	case skipped:
		sum.Skipped++
		if errors.Is(r.err, context.Canceled) || isStopped(r.err) {
			sum.Stopped = true
		}
		e.emit(Event{Kind: EventSkipped, Addr: r.addr, Message: r.err.Error()})
	}
}

func (e *executor) emit(ev Event) {
	if e.opts.OnEvent == nil {
		return
	}
	if ev.Time.IsZero() {
		ev.Time = e.opts.Now()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.opts.OnEvent(ev)
}

// settle adds what a final task consumed, and drops its booking (when it
// booked one) in the same step, so that a submission in between sees
// neither both nor none.
func (e *executor) settle(booked bool, cost, consumed float64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if booked && e.opts.MaxCredits > 0 {
		e.reserved -= cost
	}
	e.consumed += consumed
}

// reserve books an image's estimated cost against -max-credits before it
// is submitted, so that parallel submissions cannot overshoot the budget
// by what is in flight. It reports false once consumed and booked credits
// reach the budget.
func (e *executor) reserve(cost float64) bool {
	if e.opts.MaxCredits <= 0 {
		return true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.consumed+e.reserved >= e.opts.MaxCredits {
		return false
	}
	e.reserved += cost
	return true
}

// release returns a booking once its task is final or was never submitted.
func (e *executor) release(cost float64) {
	if e.opts.MaxCredits <= 0 {
		return
	}
	e.mu.Lock()
	e.reserved -= cost
	e.mu.Unlock()
}

// warnStrayPending names the tasks an earlier apply left in flight for
// images this plan does not generate: nothing waits on them now, and one
// whose id was never recorded may have been charged.
func (e *executor) warnStrayPending() {
	planned := map[string]bool{}
	for _, ch := range e.plan.Changes {
		if ch.Action.Pays() {
			planned[ch.Addr] = true
		}
	}
	addrs := make([]string, 0, len(e.pending))
	for addr := range e.pending {
		if base, _ := planner.CandidateOf(addr); !planned[base] {
			addrs = append(addrs, addr)
		}
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		p := e.pending[addr]
		msg := fmt.Sprintf("task %s of an earlier apply is still recorded, but this plan does not generate the image: it is not awaited", p.TaskID)
		if p.TaskID == "" && p.Unsent {
			continue // its last request was refused with a 429: nothing was accepted
		}
		if p.TaskID == "" {
			msg = "an earlier apply stopped while submitting this image, which this plan does not generate: the service may have accepted (and charged for) that submission unrecorded"
		}
		e.emit(Event{Kind: EventWarning, Addr: addr, TaskID: p.TaskID, Message: msg})
	}
}

// stamp keeps the hash-cache entry of an image just written, so the next
// plan does not read it again; they are stored together at the end.
func (e *executor) stamp(rel string, fh state.FileHash) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.written == nil {
		e.written = map[string]state.FileHash{}
	}
	e.written[rel] = fh
}
