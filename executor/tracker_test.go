package executor

import (
	"context"
	"errors"
	"testing"
	"time"
)

type awaited struct {
	first    time.Duration
	scouting bool
	err      error
}

func awaitAsync(ctx context.Context, tr *tracker, key string, patience time.Duration) <-chan awaited {
	c := make(chan awaited, 1)
	go func() {
		first, _, scouting, err := tr.await(ctx, key, patience)
		c <- awaited{first, scouting, err}
	}()
	return c
}

// TestTrackerScout: until something is learnt, one task polls and the
// others wait for what it learns.
func TestTrackerScout(t *testing.T) {
	tr := newTracker(time.Second, 10*time.Second)
	ctx := context.Background()
	if got := <-awaitAsync(ctx, tr, "m", time.Hour); !got.scouting || got.first != time.Second {
		t.Fatalf("first task: got %+v, want it to scout from the guess (1s)", got)
	}
	waiter := awaitAsync(ctx, tr, "m", time.Hour)
	other := awaitAsync(ctx, tr, "other model", time.Hour)
	if got := <-other; !got.scouting {
		t.Errorf("first task of another model: got %+v, want it to scout its own model", got)
	}
	select {
	case got := <-waiter:
		t.Fatalf("second task: got %+v before the scout learnt anything, want it to wait", got)
	case <-time.After(50 * time.Millisecond):
	}
	tr.observe("m", time.Second, 2*time.Second, false) // the scout found its task done at 2s
	if got := <-waiter; got.scouting || got.first != 2*time.Second {
		t.Errorf("second task: got %+v, want the learnt first poll, 2s", got)
	}
	if got := <-awaitAsync(ctx, tr, "m", time.Hour); got.scouting || got.first != 2*time.Second {
		t.Errorf("a later task: got %+v, want the learnt first poll at once", got)
	}
}

// TestTrackerScoutLeaves: a scout that learnt nothing hands over to a
// waiting task; a task out of patience polls on its own; a cancelled one
// stops waiting.
func TestTrackerScoutLeaves(t *testing.T) {
	tr := newTracker(time.Second, 10*time.Second)
	ctx := context.Background()
	<-awaitAsync(ctx, tr, "m", time.Hour)
	waiter := awaitAsync(ctx, tr, "m", time.Hour)
	tr.leave("m")
	if got := <-waiter; !got.scouting {
		t.Errorf("after the scout left: got %+v, want the waiting task to scout", got)
	}
	if got := <-awaitAsync(ctx, tr, "m", 10*time.Millisecond); got.scouting || got.first != 0 || got.err != nil {
		t.Errorf("out of patience: got %+v, want a first poll now (0) as no scout", got)
	}
	cctx, cancel := context.WithCancel(ctx)
	waiter = awaitAsync(cctx, tr, "m", time.Hour)
	cancel()
	if got := <-waiter; !errors.Is(got.err, context.Canceled) {
		t.Errorf("cancelled: got %+v, want context.Canceled", got)
	}
}
