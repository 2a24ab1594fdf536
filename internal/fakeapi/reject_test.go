package fakeapi

import (
	"strings"
	"testing"
)

func TestRejectModel(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	body := `{"model":"google/gempix3","prompt":"p"}`
	submit(t, s, body) // accepted before
	s.RejectModel("google/gempix3")
	for _, tc := range []struct {
		body string
		code int
		want string
	}{
		{body, 400, "unsupported model: google/gempix3"},
		{`{"model":"google/gempix2","prompt":"p"}`, 200, `"task_id"`},
	} {
		code, out := do(t, "POST", s.URL+"/api/image/gen", DefaultKey, tc.body)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("submit %s: got %d %s, want %d with %q", tc.body, code, out, tc.code, tc.want)
		}
	}
}
