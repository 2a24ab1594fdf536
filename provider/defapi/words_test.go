package defapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider"
)

// hostile is text a service could send to take over a terminal: an OSC
// title change, a colour, a carriage return that overwrites the line, a
// C1 CSI and a bidi override.
const hostile = "\x1b]0;owned\x07\x1b[31mred\rfake line\u009b2J\u202e"

// noControls fails when s holds a character Printable would escape.
func noControls(t *testing.T, what, s string) {
	t.Helper()
	if provider.Printable(s) != s {
		t.Errorf("%s holds control characters: %q", what, s)
	}
}

func TestDecodeEscapesServiceText(t *testing.T) {
	raw, _ := json.Marshal(hostile)
	j := string(raw)
	task, err := DecodeQuery([]byte(`{"code":0,"data":{"task_id":"t","status":"failed","status_reason":{"message":` + j + `}}}`))
	if err != nil {
		t.Fatal(err)
	}
	noControls(t, "status_reason", task.Reason)
	if !strings.Contains(task.Reason, `\x1b]0;owned`) {
		t.Errorf("reason %q does not show the escape it escaped", task.Reason)
	}
	task, err = DecodeQuery([]byte(`{"code":0,"data":{"task_id":"t","status":"success","result":[{"text":` + j + `}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(task.Texts) != 1 {
		t.Fatalf("texts = %q", task.Texts)
	}
	noControls(t, "text answer", task.Texts[0])
	_, err = DecodeQuery([]byte(`{"code":1,"message":` + j + `,"detail":` + j + `}`))
	var pe *provider.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *provider.Error", err)
	}
	noControls(t, "message", pe.Message)
	noControls(t, "detail", pe.Detail)
	noControls(t, "error", err.Error())
}

func TestStatusErrorEscapesBody(t *testing.T) {
	for _, status := range []int{400, 500} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			fmt.Fprint(w, hostile) // not even JSON
		}))
		var logged []string
		_, c, _ := setup(t, fakeapi.Options{}, func(cfg *Config) {
			cfg.BaseURL = srv.URL
			cfg.Logf = func(f string, args ...any) { logged = append(logged, fmt.Sprintf(f, args...)) }
		})
		_, err := c.Submit(context.Background(), simple)
		srv.Close()
		if err == nil {
			t.Fatalf("HTTP %d: got no error", status)
		}
		noControls(t, fmt.Sprintf("HTTP %d error", status), err.Error())
		for _, l := range logged {
			noControls(t, "log line", l)
		}
	}
}

func TestRefusalKinds(t *testing.T) {
	tests := []struct {
		name string
		body string
		op   string
		want provider.Kind
		says string // the error must carry the service's words
	}{
		{"balance at HTTP 200", `{"code":1,"message":"insufficient balance"}`, "submit", provider.KindAccount, "insufficient balance"},
		{"credits", `{"code":1,"message":"failed","detail":"not enough credits"}`, "submit", provider.KindAccount, "not enough credits"},
		{"account disabled", `{"code":1,"message":"account disabled"}`, "query", provider.KindAccount, "account disabled"},
		{"payment code", `{"code":402,"message":"pay up"}`, "submit", provider.KindAccount, "pay up"},
		{"bad key at HTTP 200, code 1", `{"code":1,"message":"Invalid API key"}`, "submit", provider.KindAuth, "Invalid API key"},
		{"bad key, code 401", `{"code":401,"message":"Invalid API key"}`, "query", provider.KindAuth, "Invalid API key"},
		{"invalid request", `{"code":1,"message":"failed","detail":"prompt is required"}`, "submit", provider.KindBadRequest, "prompt is required"},
		{"disabled model is the request's", `{"code":1,"message":"model disabled"}`, "submit", provider.KindBadRequest, "model disabled"},
		{"task not found", `{"code":1,"message":"task not found"}`, "query", provider.KindNotFound, "task not found"},
		{"server error code", `{"code":500,"message":"internal"}`, "query", provider.KindTransient, "internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeEnvelope([]byte(tt.body), tt.op)
			var pe *provider.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *provider.Error", err)
			}
			if pe.Kind != tt.want {
				t.Errorf("kind = %v, want %v (%v)", pe.Kind, tt.want, err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q lacks the service's words %q", err, tt.says)
			}
		})
	}
}

func TestStatusRefusalKinds(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   provider.Kind
	}{
		{401, `{"code":1,"message":"Invalid API key"}`, provider.KindAuth},
		{401, `{"code":1,"message":"insufficient balance"}`, provider.KindAccount},
		{402, `{"code":1,"message":"failed"}`, provider.KindAccount},
		{400, `{"code":1,"message":"failed","detail":"prompt is required"}`, provider.KindBadRequest},
		{403, `{"code":1,"message":"account suspended"}`, provider.KindAccount},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tt.status)
			fmt.Fprint(w, tt.body)
		}))
		_, c, _ := setup(t, fakeapi.Options{}, func(cfg *Config) { cfg.BaseURL = srv.URL })
		_, err := c.Submit(context.Background(), simple)
		srv.Close()
		if k := provider.KindOf(err); k != tt.want {
			t.Errorf("HTTP %d %s: kind %v, want %v (%v)", tt.status, tt.body, k, tt.want, err)
		}
	}
}

// TestTaskIDsPrintable: a task id is printed in every event line; one that
// carries a C1 control or a bidi override is not taken (as a C0 one was not).
func TestTaskIDsPrintable(t *testing.T) {
	for _, id := range []string{"ta\u009b2J", "ta\u202eevil", "ta\u001b[2J"} {
		if got, err := decodeSubmit([]byte(`{"code":0,"data":{"task_id":"` + id + `"}}`)); err == nil {
			t.Errorf("decodeSubmit took the task id %q", got)
		}
	}
	if got, err := decodeSubmit([]byte(`{"code":0,"data":{"task_id":"ta-ok 1"}}`)); err != nil || got != "ta-ok 1" {
		t.Errorf("decodeSubmit = %q, %v; want ta-ok 1", got, err)
	}
}
