package fakeapi

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// scheduleCallback arranges the POST of t's final state to its callback
// URL once it is final; s.mu must be held.
func (s *Server) scheduleCallback(t *task) {
	select {
	case <-s.done:
		return
	default:
	}
	delay := max(s.opts.TaskLatency, s.opts.RegistrationLag)
	s.cbWG.Add(1)
	var timer *time.Timer
	timer = time.AfterFunc(delay, func() {
		defer s.cbWG.Done()
		s.mu.Lock()
		delete(s.cbTimers, timer)
		body := encode(s.view(t, t.submitted.Add(delay), false))
		s.mu.Unlock()
		s.postCallback(t.callback, body)
	})
	s.cbTimers[timer] = true
}

// postCallback sends one callback; failures are ignored, as the service's
// own are invisible to the client.
func (s *Server) postCallback(url string, body []byte) {
	req, err := http.NewRequestWithContext(s.cbCtx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.cbClient.Do(req)
	if err != nil {
		return
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}
