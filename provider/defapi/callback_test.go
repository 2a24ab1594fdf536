package defapi

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider"
)

func withCallbacks(cfg *Config) { cfg.Callback = &CallbackConfig{Listen: "127.0.0.1:0"} }

func post(t *testing.T, url, body string) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestCallbackFromService(t *testing.T) {
	// The fake calls back when the task ends, 2s after the submit; Wait
	// is called long before that.
	_, c, _ := setup(t, fakeapi.Options{TaskLatency: 2 * time.Second}, withCallbacks)
	n := c.Notifier()
	if n == nil || !strings.Contains(n.CallbackURL(), tokenParam+"=") {
		t.Fatalf("notifier = %v, want one with a tokened URL", n)
	}
	req := simple
	req.CallbackURL = n.CallbackURL()
	id, err := c.Submit(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case task := <-n.Wait(id):
		if task.ID != id || task.Status != provider.StatusSuccess || len(task.Images) != 1 || task.Consumed != 0.5 {
			t.Errorf("task = %+v, want success with one image", task)
		}
	case <-time.After(time.Minute):
		t.Fatal("no callback arrived")
	}
}

func TestCallbackHandler(t *testing.T) {
	_, c, _ := setup(t, fakeapi.Options{}, withCallbacks)
	url := c.CallbackURL()
	ch := c.Wait("ta-1")
	if c.Wait("ta-1") != ch {
		t.Error("a second Wait for the same task got another channel")
	}
	final := `{"result":[{"image":"https://x/1.png"}],"status":"success","task_id":"ta-1","consumed":"0.500000","status_reason":{"message":null}}`
	tests := []struct {
		name, url, method, body string
		want                    int
	}{
		{"get", url, "GET", "", http.StatusMethodNotAllowed},
		{"no token", strings.Split(url, "?")[0], "POST", final, http.StatusForbidden},
		{"wrong token", strings.Split(url, "?")[0] + "?" + tokenParam + "=abc", "POST", final, http.StatusForbidden},
		{"unknown task", url, "POST", strings.Replace(final, "ta-1", "ta-2", 1), http.StatusNotFound},
		{"oversize", url, "POST", `{"task_id":"ta-1","x":"` + strings.Repeat("a", maxCallbackBody) + `"}`, http.StatusRequestEntityTooLarge},
		{"malformed", url, "POST", `{"task_id":`, http.StatusBadRequest},
		{"not final", url, "POST", `{"task_id":"ta-1","status":"in_progress"}`, http.StatusOK},
		{"final", url, "POST", final, http.StatusOK},
		{"again", url, "POST", final, http.StatusOK}, // acknowledged; the first one stays delivered
	}
	for _, tt := range tests {
		var code int
		if tt.method == "GET" {
			resp, err := http.Get(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			code = resp.StatusCode
		} else {
			code = post(t, tt.url, tt.body)
		}
		if code != tt.want {
			t.Errorf("%s: HTTP %d, want %d", tt.name, code, tt.want)
		}
	}
	select {
	case task := <-ch:
		if task.Status != provider.StatusSuccess || len(task.Images) != 1 || task.Images[0] != "https://x/1.png" {
			t.Errorf("task = %+v", task)
		}
	default:
		t.Fatal("the final callback was not delivered")
	}
	select {
	case task := <-ch:
		t.Errorf("a second task was delivered: %+v", task)
	default:
	}
	c.Wait("ta-3")
	c.Forget("ta-3")
	if code := post(t, url, strings.Replace(final, "ta-1", "ta-3", 1)); code != http.StatusNotFound {
		t.Errorf("forgotten task: HTTP %d, want 404", code)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestCallbackListenError(t *testing.T) {
	_, err := New(Config{APIKey: testKey, Callback: &CallbackConfig{Listen: "256.0.0.1:http"}})
	if err == nil || strings.Contains(err.Error(), testKey) {
		t.Errorf("New = %v, want a listen error without the key", err)
	}
}

// TestCallbackBeforeWait: the final callback of a task this client
// submitted may arrive before the caller waits on it; it is kept, not
// refused, so the caller does not fall back to slow polling.
func TestCallbackBeforeWait(t *testing.T) {
	_, c, _ := setup(t, fakeapi.Options{}, withCallbacks)
	id, err := c.Submit(context.Background(), simple)
	if err != nil {
		t.Fatal(err)
	}
	final := `{"result":[{"image":"https://x/1.png"}],"status":"success","task_id":"` + id + `","consumed":"0.5"}`
	if code := post(t, c.CallbackURL(), final); code != http.StatusOK {
		t.Fatalf("early callback: HTTP %d, want 200", code)
	}
	select {
	case task := <-c.Wait(id):
		if task.Status != provider.StatusSuccess {
			t.Errorf("got status %s, want success", task.Status)
		}
	default:
		t.Fatal("the callback that came before Wait was lost")
	}
}
