package defapi

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider"
)

// The trace of a submission says when a request leaves with nothing
// accepted before it, and when an attempt was certainly not accepted.
func TestSubmitTrace(t *testing.T) {
	srv, c, _ := setup(t, fakeapi.Options{}, nil)
	srv.Inject(fakeapi.Fault{Op: "submit", Kind: "retry-after", RetryAfter: 1, Times: 2})
	var got []string
	ctx := provider.WithSubmitTrace(context.Background(), &provider.SubmitTrace{
		Sending: func() error { got = append(got, "sending"); return nil },
		Refused: func() { got = append(got, "refused") },
	})
	id, err := c.Submit(ctx, provider.Request{Model: "google/gempix2", Prompt: "a cat"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"sending", "refused", "sending", "refused", "sending"}, got); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
	got = nil
	if _, err := c.Query(ctx, id); err != nil || len(got) != 0 {
		t.Errorf("query: got %v and trace %v, want no trace", err, got)
	}

	// A Sending that fails stops the submission before it is sent.
	before := srv.Counts().Submit
	ctx = provider.WithSubmitTrace(context.Background(), &provider.SubmitTrace{
		Sending: func() error { return errors.New("disk full") },
	})
	if _, err := c.Submit(ctx, provider.Request{Model: "google/gempix2", Prompt: "a dog"}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("got %v, want the Sending error", err)
	}
	if srv.Counts().Submit != before {
		t.Errorf("submit requests: got %d, want %d: nothing sent", srv.Counts().Submit, before)
	}
}
