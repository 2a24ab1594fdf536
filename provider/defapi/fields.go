package defapi

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pixform/pixform/provider"
)

// The lenient readers of single fields: each takes whatever JSON came and
// makes the most of it, never failing.

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// looseString reads a JSON string, or the text of a number or boolean;
// anything else is "".
func looseString(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return ""
	}
	switch t[0] {
	case '"':
		var s string
		if json.Unmarshal(t, &s) == nil {
			return s
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 't', 'f':
		return string(t)
	}
	return ""
}

// looseNumber reads a JSON number or a number inside a string.
func looseNumber(raw json.RawMessage) (float64, bool) {
	s := strings.TrimSpace(looseString(raw))
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func consumed(raw json.RawMessage) float64 {
	f, ok := looseNumber(raw)
	if !ok || f < 0 {
		return 0
	}
	return f
}

// reason reads status_reason: {"message": ...} or a bare string.
func reason(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) > 0 && t[0] == '{' {
		var r struct {
			Message json.RawMessage `json:"message"`
		}
		if json.Unmarshal(t, &r) != nil {
			return ""
		}
		return looseString(r.Message)
	}
	return looseString(t)
}

// results splits result into image refs and text answers. It takes an
// array, a single object, a bare string or null.
func results(raw json.RawMessage) (images, texts []string) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return nil, nil
	}
	var items []json.RawMessage
	if t[0] == '[' {
		if json.Unmarshal(t, &items) != nil {
			return nil, nil
		}
	} else {
		items = []json.RawMessage{t}
	}
	for _, it := range items {
		it = bytes.TrimSpace(it)
		if len(it) == 0 {
			continue
		}
		if it[0] != '{' {
			if s := looseString(it); s != "" && it[0] == '"' {
				images = append(images, s)
			}
			continue
		}
		var item struct {
			Image    json.RawMessage `json:"image"`
			URL      json.RawMessage `json:"url"`
			ImageURL json.RawMessage `json:"image_url"`
			Text     json.RawMessage `json:"text"`
		}
		if json.Unmarshal(it, &item) != nil {
			continue
		}
		for _, f := range []json.RawMessage{item.Image, item.URL, item.ImageURL} {
			if s := looseString(f); s != "" {
				images = append(images, s)
				break
			}
		}
		if s := looseString(item.Text); s != "" {
			texts = append(texts, s)
		}
	}
	return images, texts
}

// normalizeStatus maps the service's status words, and a few synonyms
// other services use, onto the statuses of API.md. Unknown words stay as
// they are, which is not final: the caller keeps polling.
func normalizeStatus(s string) provider.Status {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "success", "succeeded", "successful", "completed", "complete", "done", "finished":
		return provider.StatusSuccess
	case "failed", "failure", "fail", "error", "errored", "cancelled", "canceled":
		return provider.StatusFailed
	case "", "pending", "queued", "waiting", "created":
		return provider.StatusPending
	case "submitted":
		return provider.StatusSubmitted
	case "in_progress", "in-progress", "processing", "running", "generating":
		return provider.StatusInProgress
	}
	return provider.Status(s)
}

// createdAt reads RFC 3339 text or unix seconds (or milliseconds); what it
// cannot read is the zero time.
func createdAt(raw json.RawMessage) time.Time {
	s := strings.TrimSpace(looseString(raw))
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f <= 0 || f > 1e15 {
		return time.Time{}
	}
	if f > 1e11 { // milliseconds
		f /= 1000
	}
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64((f-sec)*1e9)).UTC()
}

// clip bounds a message taken from a body, for error strings, and escapes
// what could steer a terminal (provider.Printable).
func clip(s string) string {
	const max = 300
	s = strings.TrimSpace(s)
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return provider.Printable(s)
}
