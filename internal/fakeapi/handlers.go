package fakeapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The values API.md lists for the extra request fields.
var (
	aspectRatios = map[string]bool{"1:1": true, "16:9": true, "21:9": true, "2:3": true, "3:2": true,
		"3:4": true, "4:3": true, "4:5": true, "5:4": true, "9:16": true}
	imageSizes = map[string]bool{"1k": true, "2k": true, "4k": true}
)

// submitJSON is the body of POST /api/image/gen.
type submitJSON struct {
	Model       string   `json:"model"`
	Prompt      string   `json:"prompt"`
	Images      []string `json:"images"`
	CallbackURL string   `json:"callback_url"`
	AspectRatio string   `json:"aspect_ratio"`
	ImageSize   string   `json:"image_size"`
}

type envelopeJSON struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data"`
}

// taskJSON is a task as a query's data and as a callback payload.
type taskJSON struct {
	Result       any        `json:"result"`
	Status       string     `json:"status"`
	TaskID       string     `json:"task_id"`
	Consumed     string     `json:"consumed"`
	StatusReason reasonJSON `json:"status_reason"`
	CreatedAt    string     `json:"created_at,omitempty"`
}

type reasonJSON struct {
	Message *string `json:"message"`
}

const maxBody = 64 << 20

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	f, hit := s.faults.take("submit")
	if hit && s.applyFault(w, r, f, "submit") {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return
	}
	if !s.authorized(r) {
		writeJSON(w, http.StatusUnauthorized, errBody(1, "Invalid API key", ""))
		return
	}
	var req submitJSON
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, http.StatusBadRequest, errBody(1, "failed", "malformed JSON: "+err.Error()))
		return
	}
	if detail := s.validate(req); detail != "" {
		writeJSON(w, http.StatusBadRequest, errBody(1, "failed", detail))
		return
	}
	id := newTaskID()
	now := time.Now()
	s.mu.Lock()
	t := &task{id: id, prompt: req.Prompt, image: req.Prompt, callback: req.CallbackURL, submitted: now}
	s.tasks[id] = t
	s.perPrompt[req.Prompt]++
	if n := s.perPrompt[req.Prompt]; s.opts.Varied && n > 1 {
		t.image = fmt.Sprintf("%s #%d", req.Prompt, n) // another image of the same prompt, as a real service makes
	}
	s.submissions = append(s.submissions, Submission{
		Model: req.Model, Prompt: req.Prompt, Images: req.Images,
		AspectRatio: req.AspectRatio, ImageSize: req.ImageSize,
		CallbackURL: req.CallbackURL, TaskID: id, Body: body, Header: r.Header.Clone(), At: now,
	})
	if t.callback != "" {
		s.scheduleCallback(t)
	}
	s.mu.Unlock()
	out := encode(envelopeJSON{Code: 0, Message: "ok", Data: map[string]string{"task_id": id}})
	if hit && f.Kind == "truncate" {
		out = out[:len(out)/2]
	}
	writeRaw(w, http.StatusOK, out)
}

// validate returns the 400 detail for a bad request, or "".
func (s *Server) validate(req submitJSON) string {
	switch {
	case req.Prompt == "":
		return "prompt is required"
	case req.Model == "":
		return "model is required"
	case len(req.Images) > 4:
		return "images: at most 4 reference images are allowed"
	case req.AspectRatio != "" && !aspectRatios[req.AspectRatio]:
		return "invalid aspect_ratio: " + req.AspectRatio
	case req.ImageSize != "" && !imageSizes[req.ImageSize]:
		return "invalid image_size: " + req.ImageSize
	}
	s.mu.Lock()
	rejected := s.reject[req.Model]
	s.mu.Unlock()
	if rejected {
		return "unsupported model: " + req.Model
	}
	return ""
}

func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	f, hit := s.faults.take("query")
	if hit && s.applyFault(w, r, f, "query") {
		return
	}
	if !s.authorized(r) {
		writeJSON(w, http.StatusUnauthorized, errBody(401, "Invalid API key", ""))
		return
	}
	id := r.URL.Query().Get("task_id")
	if id == "" {
		writeJSON(w, http.StatusBadRequest, errBody(1, "failed", "task_id is required"))
		return
	}
	now := time.Now()
	s.mu.Lock()
	t := s.tasks[id]
	if t == nil || now.Sub(t.submitted) < s.opts.RegistrationLag {
		s.mu.Unlock()
		writeJSON(w, http.StatusNotFound, errBody(1, "task not found", ""))
		return
	}
	view := s.view(t, now, true)
	s.mu.Unlock()
	out := encode(envelopeJSON{Code: 0, Message: "ok", Data: view})
	if hit && f.Kind == "truncate" {
		out = out[:len(out)/2]
	}
	writeRaw(w, http.StatusOK, out)
}

func (s *Server) handleFile(w http.ResponseWriter, r *http.Request) {
	f, hit := s.faults.take("download")
	if hit && s.applyFault(w, r, f, "download") {
		return
	}
	id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/files/"), ".png")
	s.mu.Lock()
	t := s.tasks[id]
	s.mu.Unlock()
	if t == nil || r.Method != http.MethodGet {
		writeJSON(w, http.StatusNotFound, errBody(1, "not found", ""))
		return
	}
	if s.opts.NoiseBytes > 0 {
		s.serveNoise(w, t.image, hit && f.Kind == "truncate")
		return
	}
	data := s.images.get(t.image).png
	if hit && f.Kind == "truncate" {
		data = data[:len(data)/2]
	}
	w.Header().Set("Content-Type", "image/png")
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// view renders t at time now; s.mu must be held. The first time a task is
// seen final its outcome is fixed from the per-prompt behaviours.
func (s *Server) view(t *task, now time.Time, withCreated bool) taskJSON {
	v := taskJSON{TaskID: t.id, Consumed: "0.000000"}
	if withCreated {
		v.CreatedAt = t.submitted.UTC().Format(time.RFC3339)
	}
	elapsed := now.Sub(t.submitted)
	lat := s.opts.TaskLatency
	if elapsed < lat {
		v.Status = "pending"
		if s.opts.StatusSteps {
			switch {
			case elapsed >= lat*2/3:
				v.Status = "in_progress"
			case elapsed >= lat/3:
				v.Status = "submitted"
			}
		}
		return v
	}
	if !t.settled {
		t.settled = true
		t.failed = s.fail[t.prompt]
		t.text = s.text[t.prompt]
	}
	if t.failed != "" {
		msg := t.failed
		v.Status = "failed"
		v.StatusReason.Message = &msg
		return v
	}
	v.Status = "success"
	v.Consumed = s.opts.Consumed
	var item map[string]string
	switch {
	case t.text != "":
		item = map[string]string{"text": t.text}
	case s.opts.ResultForm == "datauri":
		item = map[string]string{"image": s.dataURI(t.image)}
	default:
		item = map[string]string{"image": s.URL + "/files/" + t.id + ".png"}
	}
	if s.opts.ObjectResult {
		v.Result = item
	} else {
		v.Result = []map[string]string{item}
	}
	return v
}

// newTaskID returns an id shaped like the service's:
// "ta5c9705-b8ae-4cb9-aa6f-97c4fee88c8d".
func newTaskID() string {
	var b [15]byte
	rand.Read(b[:]) // never fails on supported platforms
	h := hex.EncodeToString(b[:])
	return "ta" + h[0:6] + "-" + h[6:10] + "-" + h[10:14] + "-" + h[14:18] + "-" + h[18:30]
}
