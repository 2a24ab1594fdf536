package defapi

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pixform/pixform/provider"
)

func TestDecodeQuery(t *testing.T) {
	created := time.Date(2025, 8, 29, 1, 55, 13, 0, time.UTC)
	tests := []struct {
		name string
		body string
		want provider.Task
	}{
		{"callback fields in envelope",
			`{"code":0,"message":"ok","data":{"result":[{"image":"https://x/1.png"}],"status":"success","task_id":"ta5","consumed":"0.500000","status_reason":{"message":null},"created_at":"2025-08-29T01:55:13Z"}}`,
			provider.Task{ID: "ta5", Status: provider.StatusSuccess, Images: []string{"https://x/1.png"}, Consumed: 0.5, CreatedAt: created}},
		{"object result, unix created_at, numeric consumed",
			`{"code":0,"data":{"result":{"image":"data:image/png;base64,AA=="},"status":"success","task_id":"t","consumed":1.5,"created_at":1756432513}}`,
			provider.Task{ID: "t", Status: provider.StatusSuccess, Images: []string{"data:image/png;base64,AA=="}, Consumed: 1.5, CreatedAt: created}},
		{"text only",
			`{"code":0,"data":{"result":[{"text":"I cannot"}],"status":"success","task_id":"t"}}`,
			provider.Task{ID: "t", Status: provider.StatusSuccess, Texts: []string{"I cannot"}}},
		{"failed with reason",
			`{"code":0,"data":{"result":null,"status":"failed","task_id":"t","consumed":"","status_reason":{"message":"policy"}}}`,
			provider.Task{ID: "t", Status: provider.StatusFailed, Reason: "policy"}},
		{"reason as string, odd status case",
			`{"code":"0","data":{"status":" FAILED ","task_id":"t","status_reason":"boom"}}`,
			provider.Task{ID: "t", Status: provider.StatusFailed, Reason: "boom"}},
		{"mixed items and extra fields",
			`{"code":0,"data":{"result":[{"image":"a"},{"text":"b"},{"url":"c"},"d",null,7],"status":"in_progress","task_id":"t","extra":{"x":[1]},"created_at":"yesterday"}}`,
			provider.Task{ID: "t", Status: provider.StatusInProgress, Images: []string{"a", "c", "d"}, Texts: []string{"b"}}},
		{"missing status and code",
			`{"data":{"task_id":"t"}}`,
			provider.Task{ID: "t", Status: provider.StatusPending}},
		{"unknown status kept",
			`{"code":0,"data":{"task_id":"t","status":"thinking","consumed":"NaN"}}`,
			provider.Task{ID: "t", Status: "thinking"}},
		{"millisecond created_at",
			`{"code":0,"data":{"task_id":"t","status":"pending","created_at":"1756432513000"}}`,
			provider.Task{ID: "t", Status: provider.StatusPending, CreatedAt: created}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeQuery([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("task (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeQueryErrors(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		malformed bool
		kind      provider.Kind
	}{
		{"empty", ``, true, 0},
		{"truncated", `{"code":0,"data":{"task_`, true, 0},
		{"no data", `{"code":0,"message":"ok"}`, true, 0},
		{"data not an object", `{"code":0,"data":[1,2]}`, true, 0},
		{"code not a number", `{"code":{},"data":{}}`, true, 0},
		{"html", `<html>502</html>`, true, 0},
		{"code 401", `{"code":401,"message":"Invalid API key"}`, false, provider.KindAuth},
		{"code 1 not found", `{"code":1,"message":"task not found"}`, false, provider.KindNotFound},
		{"code 5", `{"code":5,"message":"odd"}`, false, provider.KindBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeQuery([]byte(tt.body))
			if err == nil {
				t.Fatal("got no error")
			}
			if got := errors.Is(err, errMalformed); got != tt.malformed {
				t.Fatalf("malformed = %v, want %v (%v)", got, tt.malformed, err)
			}
			if !tt.malformed && provider.KindOf(err) != tt.kind {
				t.Errorf("kind = %v, want %v", provider.KindOf(err), tt.kind)
			}
		})
	}
}

func TestDecodeSubmit(t *testing.T) {
	tests := []struct {
		name, body, want string
		malformed        bool
	}{
		{"reference", `{"code":0,"message":"ok","data":{"task_id":"ta12345678-1234"}}`, "ta12345678-1234", false},
		{"id field", `{"code":0,"data":{"id":"x1"}}`, "x1", false},
		{"data is the id", `{"code":0,"data":"x2"}`, "x2", false},
		{"salvaged from a cut body", `{"code":0,"message":"ok","data":{"task_id":"ta9"`, "ta9", false},
		{"no id", `{"code":0,"data":{}}`, "", true},
		{"control chars", `{"code":0,"data":{"task_id":"a\nb"}}`, "", true},
		{"cut before the id", `{"code":0,"data":{"task_i`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeSubmit([]byte(tt.body))
			if got != tt.want || errors.Is(err, errMalformed) != tt.malformed {
				t.Errorf("decodeSubmit = %q, %v; want %q, malformed %v", got, err, tt.want, tt.malformed)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"3", 3 * time.Second},
		{"1.5", 1500 * time.Millisecond},
		{"-1", 0},
		{"NaN", 0},
		{"soon", 0},
		{"Wed, 01 Jan 2025 00:00:30 GMT", 30 * time.Second},
		{"Tue, 31 Dec 2024 23:00:00 GMT", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
