package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider/defapi"
	"github.com/pixform/pixform/provider/offline"
)

// latencyResult is a timed apply against the fake.
type latencyResult struct {
	outcome
	counts fakeapi.Counts
	phases *phases
}

// measureLatency applies cfg.n images against a fake whose tasks take
// cfg.latency, polling or with callbacks, with a client configured as the
// CLI configures one (default retries, no rate limit).
func measureLatency(ctx context.Context, cfg config, callbacks bool) (latencyResult, error) {
	srv := fakeapi.New(fakeapi.Options{TaskLatency: cfg.latency})
	defer srv.Close()
	dc := defapi.Config{BaseURL: srv.URL, APIKey: srv.Key(), Logf: func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "defapi: "+format+"\n", args...) // retries and ignored callbacks
	}}
	if callbacks {
		port, err := freePort()
		if err != nil {
			return latencyResult{}, err
		}
		dc.Callback = &defapi.CallbackConfig{
			Listen:    "127.0.0.1:" + port,
			PublicURL: "http://127.0.0.1:" + port + "/callback",
		}
	}
	client, err := defapi.New(dc)
	if err != nil {
		return latencyResult{}, err
	}
	defer client.Close()
	ph := newPhases()
	out, err := applyImages(ctx, client, cfg.n, cfg.p, ph.on)
	return latencyResult{outcome: out, counts: srv.Counts(), phases: ph}, err
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// ideal is the wall time of n tasks of latency l, p at a time, with
// nothing else costing anything: ceil(n/p)·l.
func ideal(n, p int, l time.Duration) time.Duration {
	return time.Duration((n+p-1)/p) * l
}

// measureAmplification applies cfg.stateN images on the offline provider
// (no network, tasks final at once) and returns what the Store wrote.
func measureAmplification(ctx context.Context, cfg config) (outcome, error) {
	return applyImages(ctx, offline.New(), cfg.stateN, cfg.p, nil)
}
