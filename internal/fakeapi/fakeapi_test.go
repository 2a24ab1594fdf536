package fakeapi

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// do sends one request and returns status and body; transport errors are
// returned as status 0.
func do(t *testing.T, method, url, key, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return -1, err.Error()
	}
	return resp.StatusCode, string(data)
}

func submit(t *testing.T, s *Server, body string) string {
	t.Helper()
	code, out := do(t, "POST", s.URL+"/api/image/gen", DefaultKey, body)
	if code != 200 {
		t.Fatalf("submit: %d %s", code, out)
	}
	var env struct {
		Data struct {
			TaskID string `json:"task_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(out), &env); err != nil || env.Data.TaskID == "" {
		t.Fatalf("submit answer %s: %v", out, err)
	}
	return env.Data.TaskID
}

func TestSubmitValidation(t *testing.T) {
	s := New(Options{RejectModels: []string{"bad/model"}})
	defer s.Close()
	tests := []struct {
		name, key, body string
		code            int
		want            string
	}{
		{"no key", "", `{"model":"m","prompt":"p"}`, 401, `{"code":1,"message":"Invalid API key"}`},
		{"wrong key", "dk-wrong", `{"model":"m","prompt":"p"}`, 401, `{"code":1,"message":"Invalid API key"}`},
		{"malformed", DefaultKey, `{"model":`, 400, `"message":"failed"`},
		{"no prompt", DefaultKey, `{"model":"m"}`, 400, `"detail":"prompt is required"`},
		{"no model", DefaultKey, `{"prompt":"p"}`, 400, `"detail":"model is required"`},
		{"five images", DefaultKey, `{"model":"m","prompt":"p","images":["a","b","c","d","e"]}`, 400, `at most 4`},
		{"bad ratio", DefaultKey, `{"model":"m","prompt":"p","aspect_ratio":"7:3"}`, 400, `aspect_ratio`},
		{"bad size", DefaultKey, `{"model":"m","prompt":"p","image_size":"8k"}`, 400, `image_size`},
		{"rejected model", DefaultKey, `{"model":"bad/model","prompt":"p"}`, 400, `unsupported model`},
		{"unknown model ok", DefaultKey, `{"model":"google/nano-banana-2","prompt":"p","aspect_ratio":"21:9","image_size":"4k"}`, 200, `"task_id":"ta`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(t, "POST", s.URL+"/api/image/gen", tt.key, tt.body)
			if code != tt.code || !strings.Contains(body, tt.want) {
				t.Errorf("got %d %s, want %d containing %s", code, body, tt.code, tt.want)
			}
		})
	}
	subs := s.Submissions()
	if len(subs) != 1 || subs[0].Model != "google/nano-banana-2" || subs[0].ImageSize != "4k" || s.SubmitCount("p") != 1 {
		t.Errorf("submissions = %+v, want the one accepted", subs)
	}
	if got := s.Counts(); got.Submit != len(tests) || got.Total != len(tests) {
		t.Errorf("counts = %+v, want %d submits", got, len(tests))
	}
}

func TestQuery(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		setup func(s *Server)
		code  int
		want  []string
	}{
		{"success url", Options{}, nil, 200, []string{`"status":"success"`, `"result":[{"image":"http://`, `"consumed":"0.500000"`, `"status_reason":{"message":null}`, `"created_at":"`}},
		{"success datauri", Options{ResultForm: "datauri"}, nil, 200, []string{`"result":[{"image":"data:image/png;base64,`}},
		{"object result", Options{ObjectResult: true}, nil, 200, []string{`"result":{"image":"http://`}},
		{"pending", Options{TaskLatency: time.Hour}, nil, 200, []string{`"status":"pending"`, `"result":null`}},
		{"steps", Options{TaskLatency: time.Hour, StatusSteps: true}, nil, 200, []string{`"status":"pending"`}},
		{"not visible yet", Options{RegistrationLag: time.Hour}, nil, 404, []string{`{"code":1,"message":"task not found"}`}},
		{"failed", Options{}, func(s *Server) { s.FailPrompt("p", "content policy") }, 200, []string{`"status":"failed"`, `"result":null`, `"message":"content policy"`}},
		{"text", Options{}, func(s *Server) { s.TextPrompt("p", "I cannot draw that") }, 200, []string{`"status":"success"`, `"result":[{"text":"I cannot draw that"}]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(tt.opts)
			defer s.Close()
			if tt.setup != nil {
				tt.setup(s)
			}
			id := submit(t, s, `{"model":"m","prompt":"p"}`)
			code, body := do(t, "GET", s.URL+"/api/task/query?task_id="+id, DefaultKey, "")
			if code != tt.code {
				t.Fatalf("got %d %s, want %d", code, body, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body %s lacks %s", body, w)
				}
			}
		})
	}
}

func TestQueryErrorsAndFiles(t *testing.T) {
	s := New(Options{ImageWidth: 32, ImageHeight: 16})
	defer s.Close()
	id := submit(t, s, `{"model":"m","prompt":"p"}`)
	if code, body := do(t, "GET", s.URL+"/api/task/query?task_id="+id, "dk-bad", ""); code != 401 || body != `{"code":401,"message":"Invalid API key"}` {
		t.Errorf("bad key: %d %s", code, body)
	}
	if code, _ := do(t, "GET", s.URL+"/api/task/query?task_id=nope", DefaultKey, ""); code != 404 {
		t.Errorf("unknown task: %d, want 404", code)
	}
	if code, _ := do(t, "GET", s.URL+"/nowhere", DefaultKey, ""); code != 404 {
		t.Errorf("unknown path: %d, want 404", code)
	}
	code, body := do(t, "GET", s.URL+"/files/"+id+".png", "", "")
	if code != 200 {
		t.Fatalf("file: %d", code)
	}
	img, err := png.Decode(strings.NewReader(body))
	if err != nil || img.Bounds().Dx() != 32 || img.Bounds().Dy() != 16 {
		t.Errorf("file decodes to %v, %v; want 32x16", img, err)
	}
	if !bytes.Equal([]byte(body), s.ImagePNG("p")) || bytes.Equal(s.ImagePNG("p"), s.ImagePNG("q")) {
		t.Error("images are not deterministic per prompt")
	}
}

func TestFaults(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	id := submit(t, s, `{"model":"m","prompt":"p"}`)
	q := s.URL + "/api/task/query?task_id=" + id
	s.Inject(Fault{Op: "query", Kind: "status", Status: 503, Times: 2})
	s.Inject(Fault{Op: "query", Kind: "retry-after", RetryAfter: 3, Times: 1})
	s.Inject(Fault{Op: "query", Kind: "drop", Times: 1})
	s.Inject(Fault{Op: "query", Kind: "truncate", Times: 1})
	s.Inject(Fault{Op: "query", Kind: "cut", Times: 1})
	s.Inject(Fault{Op: "query", Kind: "slow", Delay: time.Millisecond, Times: 1})
	var got []int
	for range 8 {
		code, body := do(t, "GET", q, DefaultKey, "")
		if code == 200 && !json.Valid([]byte(body)) {
			code = -2 // truncated JSON
		}
		got = append(got, code)
	}
	// The transport may replay a dropped idempotent GET on a reused
	// connection; the drop then costs no visible failure.
	want := []int{503, 503, 429, 0, -2, -1, 200, 200}
	wantReplayed := []int{503, 503, 429, -2, -1, 200, 200, 200}
	if !cmp.Equal(want, got) && !cmp.Equal(wantReplayed, got) {
		t.Errorf("codes = %v, want %v", got, want)
	}
	s.Inject(Fault{Op: "submit", Kind: "truncate", Times: 1})
	code, body := do(t, "POST", s.URL+"/api/image/gen", DefaultKey, `{"model":"m","prompt":"p2"}`)
	if code != 200 || json.Valid([]byte(body)) || s.SubmitCount("p2") != 1 {
		t.Errorf("truncated submit: %d %s, %d submissions", code, body, s.SubmitCount("p2"))
	}
	s.Inject(Fault{Op: "download", Kind: "status", Status: 500})
	if code, _ := do(t, "GET", s.URL+"/files/"+id+".png", "", ""); code != 500 {
		t.Errorf("download fault: %d, want 500", code)
	}
	s.ClearFaults()
	if code, _ := do(t, "GET", s.URL+"/files/"+id+".png", "", ""); code != 200 {
		t.Errorf("after ClearFaults: %d, want 200", code)
	}
}

func TestCallback(t *testing.T) {
	got := make(chan map[string]any, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		got <- m
	}))
	defer hook.Close()
	s := New(Options{})
	defer s.Close()
	s.FailPrompt("bad", "nope")
	id := submit(t, s, `{"model":"m","prompt":"p","callback_url":"`+hook.URL+`/cb?x=1"}`)
	id2 := submit(t, s, `{"model":"m","prompt":"bad","callback_url":"`+hook.URL+`"}`)
	seen := map[string]string{}
	for range 2 {
		select {
		case m := <-got:
			seen[m["task_id"].(string)] = m["status"].(string)
		case <-time.After(30 * time.Second):
			t.Fatal("no callback arrived")
		}
	}
	if diff := cmp.Diff(map[string]string{id: "success", id2: "failed"}, seen); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

func TestCloseCancelsCallbacks(t *testing.T) {
	s := New(Options{TaskLatency: time.Hour})
	submit(t, s, `{"model":"m","prompt":"p","callback_url":"http://127.0.0.1:1/"}`)
	s.Close() // must not wait an hour
	s.Close()
}

func TestConcurrent(t *testing.T) {
	s := New(Options{ResultForm: "datauri"})
	defer s.Close()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%5 == 0 {
				s.Inject(Fault{Op: "query", Kind: "status", Status: 500, Times: 1})
			}
			code, body := do(t, "POST", s.URL+"/api/image/gen", DefaultKey, `{"model":"m","prompt":"p`+string(rune('a'+i%3))+`"}`)
			var env struct {
				Data struct {
					TaskID string `json:"task_id"`
				} `json:"data"`
			}
			if code != 200 || json.Unmarshal([]byte(body), &env) != nil {
				t.Errorf("submit: %d %s", code, body)
				return
			}
			do(t, "GET", s.URL+"/api/task/query?task_id="+env.Data.TaskID, DefaultKey, "")
		}()
	}
	wg.Wait()
	if c := s.Counts(); c.Submit != 20 || c.Query != 20 {
		t.Errorf("counts = %+v", c)
	}
}
