package defapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sync"

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
	msg, detail := clip(looseString(env.Message)), clip(looseString(env.Detail))
	e := &provider.Error{Kind: envelopeKind(op, code, msg, detail), Op: op, Message: msg, Detail: detail}
	if e.Kind == provider.KindAuth {
		e.Message = authMessage(msg)
	}
	return env, e
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
		Reason:   provider.Printable(reason(w.StatusReason)),
	}
	if t.ID == "" {
		t.ID = looseString(w.ID)
	}
	t.CreatedAt = createdAt(w.CreatedAt)
	t.Images, t.Texts = results(w.Result)
	for i, text := range t.Texts { // words meant for people: never raw
		t.Texts[i] = provider.Printable(text)
	}
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

// taskIDPattern is compiled when first needed: compiling it (the bounded
// repeat unrolls) took 4-6 ms of every pixform start, plan included.
var taskIDPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`"task_id"\s*:\s*"([^"\\]{1,256})"`)
})

// salvageTaskID finds the task id in a cut-off submit answer: the task was
// accepted and paid for, so losing its id would pay twice on the retry.
func salvageTaskID(body []byte) string {
	m := taskIDPattern().FindSubmatch(body)
	if m == nil || !validTaskID(string(m[1])) {
		return ""
	}
	return string(m[1])
}

// validTaskID accepts an id pixform can record, print and send back: not
// empty, bounded, and free of anything Printable would escape (control
// characters, C1 controls, bidi overrides, invalid UTF-8).
func validTaskID(id string) bool {
	return id != "" && len(id) <= 256 && provider.Printable(id) == id
}
