package fakeapi

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault makes the server misbehave on requests of one operation.
//
// Kinds:
//   - "status": answer Status with a JSON error body (the API's own shapes
//     for 400, 401 and 404).
//   - "retry-after": answer 429 with a Retry-After header of RetryAfter
//     seconds.
//   - "drop": close the connection without any response, before the request
//     takes effect.
//   - "truncate": take the request into effect (a submit creates its task),
//     then answer 200 with the first half of the body, framed as complete:
//     malformed JSON, or a truncated PNG.
//   - "cut": answer 200 announcing a full Content-Length, send half the body
//     and close the connection: the client sees an unexpected EOF. The
//     request does not take effect.
//   - "slow": sleep Delay, then answer normally.
//   - "balance": answer HTTP 200 with {"code": 1, "message": "insufficient
//     balance"}, as the service does for an account out of credits; the
//     request does not take effect.
type Fault struct {
	Op         string // "submit", "query" or "download"
	Kind       string
	Status     int
	RetryAfter int
	Delay      time.Duration
	Times      int // how many requests it hits; 0 = every one
}

// faultList holds the injected faults; the first matching one applies.
type faultList struct {
	mu     sync.Mutex
	faults []*faultEntry
}

type faultEntry struct {
	f    Fault
	left int // hits left when f.Times > 0
}

// Inject adds a fault. Faults apply in the order injected; one whose Times
// are used up is dropped.
func (s *Server) Inject(f Fault) {
	s.faults.mu.Lock()
	s.faults.faults = append(s.faults.faults, &faultEntry{f: f, left: f.Times})
	s.faults.mu.Unlock()
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.faults = nil
	s.faults.mu.Unlock()
}

// take returns the fault that hits this request of op, if any.
func (l *faultList) take(op string) (Fault, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, e := range l.faults {
		if e.f.Op != op {
			continue
		}
		if e.f.Times > 0 {
			e.left--
			if e.left <= 0 {
				l.faults = append(l.faults[:i:i], l.faults[i+1:]...)
			}
		}
		return e.f, true
	}
	return Fault{}, false
}

// applyFault acts out f and reports whether the request is fully handled.
// "slow" and "truncate" leave the rest to the handler.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault, op string) bool {
	switch f.Kind {
	case "status":
		writeJSON(w, f.Status, faultBody(f.Status, op))
		return true
	case "balance":
		writeJSON(w, http.StatusOK, errBody(1, "insufficient balance", ""))
		return true
	case "retry-after":
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		writeJSON(w, http.StatusTooManyRequests, errBody(429, "Too Many Requests", ""))
		return true
	case "drop":
		hijackAndClose(w, nil)
		return true
	case "cut":
		s.cut(w, r, op)
		return true
	case "slow":
		timer := time.NewTimer(f.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return true
		case <-s.done:
			return true
		}
	}
	return false
}

// faultBody is the JSON body of an injected status, in the API's shapes.
func faultBody(status int, op string) errorJSON {
	switch {
	case status == http.StatusUnauthorized && op == "query":
		return errBody(401, "Invalid API key", "")
	case status == http.StatusUnauthorized:
		return errBody(1, "Invalid API key", "")
	case status == http.StatusNotFound:
		return errBody(1, "task not found", "")
	case status == http.StatusBadRequest:
		return errBody(1, "failed", "injected fault")
	}
	return errBody(status, http.StatusText(status), "")
}

// cut answers 200 announcing a full body, sends half of it and closes.
func (s *Server) cut(w http.ResponseWriter, r *http.Request, op string) {
	var body []byte
	ctype := "application/json"
	switch op {
	case "download":
		ctype = "image/png"
		body = s.images.get("cut " + r.URL.Path).png
	case "submit":
		body = encode(envelopeJSON{Code: 0, Message: "ok", Data: map[string]string{"task_id": newTaskID()}})
	default:
		body = encode(envelopeJSON{Code: 0, Message: "ok", Data: taskJSON{TaskID: "ta-cut", Status: "pending"}})
	}
	head := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ctype, len(body))
	hijackAndClose(w, append([]byte(head), body[:len(body)/2]...))
}

// hijackAndClose writes raw bytes (if any) to the connection and closes it.
func hijackAndClose(w http.ResponseWriter, raw []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	if len(raw) > 0 {
		buf.Write(raw)
		buf.Flush()
	}
	conn.Close()
}
