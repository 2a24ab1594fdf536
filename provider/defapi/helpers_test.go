package defapi

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider"
)

// testKey is distinctive so that a leak into any error string is found.
const testKey = "dk-SeCrEt0123456789"

// fakeClock stands in for time: Sleep advances it at once and records the
// wait, so tests see which waits were asked for without waiting.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return nil
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// setup starts a fake API and a client of it with a fast, fake-clocked
// retry policy: 4 attempts, no time bound to speak of.
func setup(t *testing.T, opts fakeapi.Options, mod func(*Config)) (*fakeapi.Server, *Client, *fakeClock) {
	t.Helper()
	if opts.Key == "" {
		opts.Key = testKey
	}
	s := fakeapi.New(opts)
	t.Cleanup(s.Close)
	clock := newFakeClock()
	cfg := Config{
		BaseURL:       s.URL,
		APIKey:        testKey,
		RetryFor:      time.Nanosecond,
		RetryAttempts: 4,
		MinBackoff:    time.Millisecond,
		MaxBackoff:    4 * time.Millisecond,
		Now:           clock.Now,
		Sleep:         clock.Sleep,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return s, c, clock
}

var simple = provider.Request{Model: "google/gempix2", Prompt: "a banana rocket"}

// checkErr asserts err is a *provider.Error of kind want that does not
// hold the key.
func checkErr(t *testing.T, err error, want provider.Kind) *provider.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error holds the API key: %v", err)
	}
	pe, ok := err.(*provider.Error)
	if !ok {
		t.Fatalf("error %T %v is not a *provider.Error", err, err)
	}
	if pe.Kind != want {
		t.Errorf("kind = %v, want %v (%v)", pe.Kind, want, err)
	}
	return pe
}
