package executor_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider/defapi"
	"github.com/pixform/pixform/spec"
)

// TestCallbacksReplacePolling: with a callback receiver configured, each
// image costs a submit and a download, and no query at all, because the
// safety poll comes only long after the callback.
func TestCallbacksReplacePolling(t *testing.T) {
	srv := fakeapi.New(fakeapi.Options{TaskLatency: 50 * time.Millisecond})
	t.Cleanup(srv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := defapi.New(defapi.Config{
		BaseURL: srv.URL, APIKey: srv.Key(),
		Callback: &defapi.CallbackConfig{Listen: addr, PublicURL: "http://" + addr + "/callback"},
	})
	if err != nil {
		t.Fatalf("defapi.New: %v", err)
	}
	t.Cleanup(func() { c.Close() })

	w := newWorld(t)
	assets := []*spec.Asset{img("defapi", "a", "first"), img("defapi", "b", "second"), img("defapi", "c", "third")}
	// A first poll far away: only a callback can finish these quickly.
	sum, _ := w.apply(context.Background(), w.plan(assets), c, executor.Options{PollFirst: time.Hour, PollMax: time.Hour})
	if sum.Generated != len(assets) {
		t.Fatalf("got %d generated, want %d (failures: %v)", sum.Generated, len(assets), sum.Failures)
	}
	for _, s := range srv.Submissions() {
		if s.CallbackURL == "" {
			t.Errorf("submission %s carried no callback_url", s.TaskID)
		}
	}
	got := srv.Counts()
	if got.Query != 0 || got.Submit != len(assets) || got.Download != len(assets) {
		t.Errorf("got %+v, want %d submits, %d downloads and no query", got, len(assets), len(assets))
	}
}
