package defapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pixform/pixform/provider"
)

// errMalformed marks a body that could not be understood: the request is
// retried like any other transient fault.
var errMalformed = errors.New("malformed response body")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, args...))
}

// envelope is the API's {"code", "message", "detail", "data"} wrapper.
type envelope struct {
	Code    json.RawMessage `json:"code"`
	Message json.RawMessage `json:"message"`
	Detail  json.RawMessage `json:"detail"`
	Data    json.RawMessage `json:"data"`
}

// taskWire is a task as the API sends it, every field taken raw so that
// each can be decoded leniently on its own.
type taskWire struct {
	TaskID       json.RawMessage `json:"task_id"`
	ID           json.RawMessage `json:"id"`
	Status       json.RawMessage `json:"status"`
	Result       json.RawMessage `json:"result"`
	Consumed     json.RawMessage `json:"consumed"`
	StatusReason json.RawMessage `json:"status_reason"`
	CreatedAt    json.RawMessage `json:"created_at"`
}

// DecodeQuery decodes the body of a successful (HTTP 200) task query.
//
// It is lenient where API.md says the service varies: result may be an
// array, a single object or null, its items may carry image or text,
// consumed may be a string, a number or absent, status_reason may be
// missing, created_at may be RFC 3339 or unix seconds, and unknown fields
// are ignored. An envelope whose code is not 0 yields a *provider.Error;
// a body that cannot be understood yields an error wrapping a malformed
// marker (retried by the client). It never panics.
func DecodeQuery(body []byte) (provider.Task, error) {
	env, err := decodeEnvelope(body, "query")
	if err != nil {
		return provider.Task{}, err
	}
	if isNull(env.Data) {
		return provider.Task{}, malformed("no data in the query answer")
	}
	return decodeTask(env.Data)
}

// decodeEnvelope parses the wrapper and turns a non-zero code into an
// *provider.Error of the operation op.
func decodeEnvelope(body []byte, op string) (envelope, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return env, malformed("%v", err)
	}
	code := 0
	if !isNull(env.Code) {
		c, ok := looseNumber(env.Code)
		if !ok {
			return env, malformed("code is not a number")
		}
		code = -1 // nonzero, whatever the magnitude
		if c > -1e9 && c < 1e9 {
			code = int(c)
		}
		if c != 0 && code == 0 { // a fraction such as 0.5
			code = -1
		}
	}
	if code == 0 {
		return env, nil
	}
	msg := looseString(env.Message)
	kind := provider.KindBadRequest
	switch {
	case code == 401:
		kind = provider.KindAuth
	case op == "query" && (code == 404 || strings.Contains(strings.ToLower(msg), "not found")):
		kind = provider.KindNotFound
	}
	return env, &provider.Error{Kind: kind, Op: op, Message: clip(msg), Detail: clip(looseString(env.Detail))}
}

// decodeTask decodes a task object: a query's data or a callback payload.
func decodeTask(raw json.RawMessage) (provider.Task, error) {
	var w taskWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return provider.Task{}, malformed("task: %v", err)
	}
	t := provider.Task{
		ID:       looseString(w.TaskID),
		Status:   normalizeStatus(looseString(w.Status)),
		Consumed: consumed(w.Consumed),
		Reason:   reason(w.StatusReason),
	}
	if t.ID == "" {
		t.ID = looseString(w.ID)
	}
	t.CreatedAt = createdAt(w.CreatedAt)
	t.Images, t.Texts = results(w.Result)
	return t, nil
}

// decodeCallback decodes a callback body: a bare task payload, or one
// wrapped in the usual envelope.
func decodeCallback(body []byte) (provider.Task, error) {
	var probe struct {
		TaskID json.RawMessage `json:"task_id"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return provider.Task{}, malformed("%v", err)
	}
	if isNull(probe.TaskID) && !isNull(probe.Data) {
		return DecodeQuery(body)
	}
	return decodeTask(body)
}

// decodeSubmit returns the task id of a successful submit answer.
func decodeSubmit(body []byte) (string, error) {
	env, err := decodeEnvelope(body, "submit")
	if err != nil {
		var pe *provider.Error
		if !errors.As(err, &pe) {
			if id := salvageTaskID(body); id != "" {
				return id, nil
			}
		}
		return "", err
	}
	id := looseString(env.Data) // some services put the id itself in data
	if len(bytes.TrimSpace(env.Data)) > 0 && bytes.TrimSpace(env.Data)[0] == '{' {
		var d struct {
			TaskID json.RawMessage `json:"task_id"`
			ID     json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal(env.Data, &d); err != nil {
			return "", malformed("data: %v", err)
		}
		id = looseString(d.TaskID)
		if id == "" {
			id = looseString(d.ID)
		}
	}
	if !validTaskID(id) {
		return "", malformed("no usable task_id in the submit answer")
	}
	return id, nil
}

var taskIDPattern = regexp.MustCompile(`"task_id"\s*:\s*"([^"\\]{1,256})"`)

// salvageTaskID finds the task id in a cut-off submit answer: the task was
// accepted and paid for, so losing its id would pay twice on the retry.
func salvageTaskID(body []byte) string {
	m := taskIDPattern.FindSubmatch(body)
	if m == nil || !validTaskID(string(m[1])) {
		return ""
	}
	return string(m[1])
}

func validTaskID(id string) bool {
	if id == "" || len(id) > 256 {
		return false
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

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

// clip bounds a message taken from a body, for error strings.
func clip(s string) string {
	const max = 300
	s = strings.TrimSpace(s)
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut] + "..."
	}
	return s
}
