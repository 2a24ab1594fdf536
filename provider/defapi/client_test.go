package defapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // "" = no error
	}{
		{"no key", Config{}, "no API key: set the environment variable DEFAPI_API_KEY"},
		{"blank key", Config{APIKey: "  \n"}, "no API key: set the environment variable DEFAPI_API_KEY"},
		{"key with space", Config{APIKey: "dk-1 2"}, "contains spaces or control characters"},
		{"bad base URL", Config{APIKey: testKey, BaseURL: "ftp://x"}, "want an http or https URL"},
		{"trailing newline trimmed", Config{APIKey: testKey + "\n"}, ""},
		{"defaults", Config{APIKey: testKey}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if c.Kind() != "defapi" || c.base.String() != DefaultBaseURL || c.CallbackURL() != "" || c.Notifier() != nil {
					t.Errorf("client = %+v, want defaults", c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "dk-1") {
				t.Errorf("error holds the key: %v", err)
			}
		})
	}
}

func TestSubmitBody(t *testing.T) {
	tests := []struct {
		name string
		req  provider.Request
		want string
	}{
		{"required only", simple, `{"model":"google/gempix2","prompt":"a banana rocket"}`},
		{"everything", provider.Request{
			Model: "google/nano-banana-pro", Prompt: "p \"quoted\" <b>", Images: []string{"https://x/a.png", "data:image/png;base64,AAAA"},
			CallbackURL: "https://hooks.example/cb", AspectRatio: "16:9", ImageSize: "2k",
		}, `{"model":"google/nano-banana-pro","prompt":"p \"quoted\" \u003cb\u003e","images":["https://x/a.png","data:image/png;base64,AAAA"],"callback_url":"https://hooks.example/cb","aspect_ratio":"16:9","image_size":"2k"}`},
		{"empty images omitted", provider.Request{Model: "m", Prompt: "p", Images: []string{}, AspectRatio: "1:1"}, `{"model":"m","prompt":"p","aspect_ratio":"1:1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, _ := setup(t, fakeapi.Options{}, nil)
			id, err := c.Submit(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			subs := s.Submissions()
			if len(subs) != 1 {
				t.Fatalf("%d submissions, want 1", len(subs))
			}
			sub := subs[0]
			if diff := cmp.Diff(tt.want, string(sub.Body)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if sub.TaskID != id {
				t.Errorf("id = %q, want %q", id, sub.TaskID)
			}
			if got := sub.Header.Get("Authorization"); got != "Bearer "+testKey {
				t.Errorf("Authorization = %q", got)
			}
			if got := sub.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}
		})
	}
}

func TestQueryResults(t *testing.T) {
	tests := []struct {
		name   string
		opts   fakeapi.Options
		setup  func(*fakeapi.Server)
		status provider.Status
		image  string // prefix of the one image; "" = no image
		texts  []string
		reason string
		cost   float64
	}{
		{"url", fakeapi.Options{}, nil, provider.StatusSuccess, "http://127.0.0.1", nil, "", 0.5},
		{"data uri", fakeapi.Options{ResultForm: "datauri", Consumed: "1.250000"}, nil, provider.StatusSuccess, "data:image/png;base64,", nil, "", 1.25},
		{"object result", fakeapi.Options{ObjectResult: true}, nil, provider.StatusSuccess, "http://127.0.0.1", nil, "", 0.5},
		{"text only", fakeapi.Options{}, func(s *fakeapi.Server) { s.TextPrompt(simple.Prompt, "I only speak words") },
			provider.StatusSuccess, "", []string{"I only speak words"}, "", 0.5},
		{"failed", fakeapi.Options{}, func(s *fakeapi.Server) { s.FailPrompt(simple.Prompt, "safety filter") },
			provider.StatusFailed, "", nil, "safety filter", 0},
		{"pending", fakeapi.Options{TaskLatency: time.Hour, StatusSteps: true}, nil, provider.StatusPending, "", nil, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, _ := setup(t, tt.opts, nil)
			if tt.setup != nil {
				tt.setup(s)
			}
			ctx := context.Background()
			id, err := c.Submit(ctx, simple)
			if err != nil {
				t.Fatal(err)
			}
			task, err := c.Query(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if task.ID != id || task.Status != tt.status || task.Reason != tt.reason || task.Consumed != tt.cost || task.CreatedAt.IsZero() {
				t.Errorf("task = %+v, want status %s, reason %q, consumed %v, a creation time", task, tt.status, tt.reason, tt.cost)
			}
			if diff := cmp.Diff(tt.texts, task.Texts); diff != "" {
				t.Errorf("texts (-want +got):\n%s", diff)
			}
			switch {
			case tt.image == "" && len(task.Images) != 0:
				t.Errorf("images = %v, want none", task.Images)
			case tt.image != "" && (len(task.Images) != 1 || !strings.HasPrefix(task.Images[0], tt.image)):
				t.Errorf("images = %.80v, want one starting %q", task.Images, tt.image)
			}
		})
	}
}

func TestErrorKinds(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		opts     fakeapi.Options
		fault    *fakeapi.Fault
		key      string // overrides the client's key
		op       string // "submit" or "query"
		want     provider.Kind
		attempts int // requests the server should see for op
		message  string
	}{
		{"submit 401", fakeapi.Options{}, nil, "dk-wrongwrongwrong", "submit", provider.KindAuth, 1, "DEFAPI_API_KEY"},
		{"query 401", fakeapi.Options{}, nil, "dk-wrongwrongwrong", "query", provider.KindAuth, 1, "DEFAPI_API_KEY"},
		{"submit 400 detail", fakeapi.Options{RejectModels: []string{simple.Model}}, nil, "", "submit", provider.KindBadRequest, 1, "unsupported model: google/gempix2"},
		{"query 404", fakeapi.Options{RegistrationLag: time.Hour}, nil, "", "query", provider.KindNotFound, 1, "task not found"},
		{"submit 500s", fakeapi.Options{}, &fakeapi.Fault{Op: "submit", Kind: "status", Status: 500}, "", "submit", provider.KindTransient, 4, "HTTP 500"},
		{"query 502s", fakeapi.Options{}, &fakeapi.Fault{Op: "query", Kind: "status", Status: 502}, "", "query", provider.KindTransient, 4, "HTTP 502"},
		{"query 429s", fakeapi.Options{}, &fakeapi.Fault{Op: "query", Kind: "retry-after", RetryAfter: 1}, "", "query", provider.KindRateLimited, 4, "HTTP 429"},
		{"query truncated", fakeapi.Options{}, &fakeapi.Fault{Op: "query", Kind: "truncate"}, "", "query", provider.KindTransient, 4, "malformed"},
		{"submit dropped is ambiguous, not retried", fakeapi.Options{}, &fakeapi.Fault{Op: "submit", Kind: "drop"}, "", "submit", provider.KindTransient, 1, "EOF"},
		{"query dropped", fakeapi.Options{}, &fakeapi.Fault{Op: "query", Kind: "drop"}, "", "query", provider.KindTransient, 4, "gave up after 4 attempts"},
		{"query injected 401", fakeapi.Options{}, &fakeapi.Fault{Op: "query", Kind: "status", Status: 401}, "", "query", provider.KindAuth, 1, "Invalid API key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, _ := setup(t, tt.opts, nil)
			id := "ta-unknown"
			if tt.op == "query" && tt.key == "" {
				var err error
				if id, err = c.Submit(ctx, simple); err != nil {
					t.Fatal(err)
				}
			}
			if tt.key != "" {
				c.key = tt.key
			}
			if tt.fault != nil {
				s.Inject(*tt.fault)
			}
			var err error
			if tt.op == "submit" {
				_, err = c.Submit(ctx, simple)
			} else {
				_, err = c.Query(ctx, id)
			}
			pe := checkErr(t, err, tt.want)
			if strings.Contains(err.Error(), tt.key) && tt.key != "" {
				t.Errorf("error holds the key: %v", err)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q lacks %q", err, tt.message)
			}
			if pe.Op != tt.op {
				t.Errorf("op = %q, want %q", pe.Op, tt.op)
			}
			got := s.Counts()
			n := got.Submit
			if tt.op == "query" {
				n = got.Query
			}
			// A dropped request may be replayed once by the transport.
			if n != tt.attempts && !(tt.fault != nil && tt.fault.Kind == "drop" && n >= tt.attempts) {
				t.Errorf("%d %s requests, want %d", n, tt.op, tt.attempts)
			}
		})
	}
}

// ambiguousFault are the faults after which a submit may have taken effect
// on the server without its answer reaching the client.
var ambiguousFault = map[string]bool{"drop": true, "truncate": true, "cut": true, "slow": true}

func TestRetriesThenSuccess(t *testing.T) {
	faults := []fakeapi.Fault{
		{Kind: "status", Status: 500, Times: 2},
		{Kind: "status", Status: 503, Times: 1},
		{Kind: "drop", Times: 2},
		{Kind: "truncate", Times: 2},
		{Kind: "cut", Times: 1},
		{Kind: "retry-after", RetryAfter: 0, Times: 2},
		{Kind: "slow", Delay: 10 * time.Second, Times: 1},
	}
	for _, op := range []string{"submit", "query"} {
		for _, f := range faults {
			t.Run(op+"/"+f.Kind, func(t *testing.T) {
				s, c, _ := setup(t, fakeapi.Options{}, func(cfg *Config) { cfg.AttemptTimeout = 200 * time.Millisecond })
				ctx := context.Background()
				var id string
				var err error
				if op == "query" {
					if id, err = c.Submit(ctx, simple); err != nil {
						t.Fatal(err)
					}
				}
				f.Op = op
				s.Inject(f)
				if op == "submit" {
					id, err = c.Submit(ctx, simple)
				} else {
					var task provider.Task
					task, err = c.Query(ctx, id)
					if err == nil && task.Status != provider.StatusSuccess {
						t.Errorf("status = %s, want success", task.Status)
					}
				}
				if op == "submit" && ambiguousFault[f.Kind] {
					// The request may have taken effect: retrying could pay twice.
					var pe *provider.Error
					if !errors.As(err, &pe) || !pe.Ambiguous {
						t.Fatalf("submit with %s fault: got %v, want an ambiguous *provider.Error", f.Kind, err)
					}
					if n := s.Counts().Submit; n != 1 {
						t.Errorf("%d submit requests, want 1: an ambiguous submit is not retried", n)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s: %v", op, err)
				}
				if id == "" {
					t.Error("no task id")
				}
			})
		}
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	s, c, clock := setup(t, fakeapi.Options{}, func(cfg *Config) { cfg.RateLimit = 1000 })
	s.Inject(fakeapi.Fault{Op: "submit", Kind: "retry-after", RetryAfter: 1, Times: 1})
	if _, err := c.Submit(context.Background(), simple); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{time.Second}, clock.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if got := c.throttle.limit(); got != 500 {
		t.Errorf("rate after a 429 = %v, want it halved to 500", got)
	}
}

func TestRetryBoundedByTime(t *testing.T) {
	// One attempt is enough by count, but the policy keeps trying for
	// RetryFor of (fake) time.
	s, c, clock := setup(t, fakeapi.Options{}, func(cfg *Config) {
		cfg.RetryAttempts = 1
		cfg.RetryFor = time.Minute
		cfg.MinBackoff = 10 * time.Second
		cfg.MaxBackoff = 10 * time.Second
	})
	s.Inject(fakeapi.Fault{Op: "submit", Kind: "retry-after", RetryAfter: 20})
	_, err := c.Submit(context.Background(), simple)
	checkErr(t, err, provider.KindRateLimited)
	if n := len(clock.Sleeps()); n < 3 {
		t.Errorf("%d retries within a minute of 20s waits, want at least 3", n)
	}
}

func TestCancelled(t *testing.T) {
	s, c, _ := setup(t, fakeapi.Options{}, nil)
	s.Inject(fakeapi.Fault{Op: "submit", Kind: "status", Status: 500})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Submit(ctx, simple)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestValidatesBeforeSending(t *testing.T) {
	s, c, _ := setup(t, fakeapi.Options{}, nil)
	for _, req := range []provider.Request{
		{Model: "m"},
		{Prompt: "p"},
		{Model: "m", Prompt: "p", Images: []string{"a", "b", "c", "d", "e"}},
	} {
		_, err := c.Submit(context.Background(), req)
		checkErr(t, err, provider.KindBadRequest)
	}
	_, err := c.Query(context.Background(), "")
	checkErr(t, err, provider.KindBadRequest)
	if n := s.Counts().Total; n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

// TestKeyScrubbed points the client at a server that echoes the
// Authorization header in every error body it can.
func TestKeyScrubbed(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		switch {
		case r.URL.Path == "/api/image/gen":
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"code":1,"message":"bad ` + auth + `","detail":"` + auth + `"}`))
		case strings.Contains(r.URL.RawQuery, "401"):
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"code":401,"message":"` + auth + `"}`))
		case strings.Contains(r.URL.RawQuery, "500"):
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(auth))
		case strings.Contains(r.URL.RawQuery, "200"):
			w.Write([]byte(`{"code":7,"message":"` + auth + `"}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"code":1,"message":"` + auth + `"}`))
		}
	}))
	defer echo.Close()
	clock := newFakeClock()
	var logs []string
	c, err := New(Config{BaseURL: echo.URL, APIKey: testKey, RetryFor: time.Nanosecond, RetryAttempts: 2,
		Now: clock.Now, Sleep: clock.Sleep, Logf: func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = c.Submit(ctx, simple)
	checkErr(t, err, provider.KindBadRequest)
	for id, kind := range map[string]provider.Kind{"t401": provider.KindAuth, "t500": provider.KindTransient,
		"t200": provider.KindBadRequest, "t404": provider.KindNotFound} {
		_, err := c.Query(ctx, id)
		checkErr(t, err, kind)
	}
	_, err = c.Download(ctx, echo.URL+"/files/x", &strings.Builder{}, 100)
	checkErr(t, err, provider.KindNotFound)
	for _, l := range logs {
		if strings.Contains(l, testKey) {
			t.Errorf("log line holds the key: %s", l)
		}
	}
}
