package fakeapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultKey is the API key a Server accepts when Options.Key is empty.
const DefaultKey = "dk-fake-key-for-tests"

// Options configure a Server. The zero value is a fast, well-behaved API.
type Options struct {
	Key             string        // the one key accepted; DefaultKey when empty
	TaskLatency     time.Duration // submit to final state; 0 = final at once
	RegistrationLag time.Duration // a fresh task answers 404 on query this long
	ResultForm      string        // "url" (default) or "datauri"
	ImageWidth      int           // 64 when 0
	ImageHeight     int           // 64 when 0
	Consumed        string        // credits per successful task; "0.500000" when empty
	ObjectResult    bool          // result as a single object instead of an array
	StatusSteps     bool          // walk pending, submitted, in_progress before the end
	RejectModels    []string      // models answered with 400; all others are accepted
	// NoiseBytes, when > 0, makes every image a PNG of random pixels of
	// about this many bytes (incompressible, made on each download, never
	// kept); ImageWidth and ImageHeight are then ignored.
	NoiseBytes int
	// Varied makes every submission of a prompt after the first draw
	// another image (as a real service does), so that candidates differ;
	// ImagePNG(prompt) stays the first one.
	Varied bool
}

// Server is a running fake API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the API, e.g. http://127.0.0.1:41234.
	URL string

	opts   Options
	srv    *httptest.Server
	images *imageCache
	faults faultList

	submit, query, download, total atomic.Int64

	mu          sync.Mutex
	tasks       map[string]*task
	submissions []Submission
	perPrompt   map[string]int
	fail        map[string]string // prompt -> status_reason.message
	text        map[string]string // prompt -> text answer
	reject      map[string]bool

	done      chan struct{} // closed by Close: slow handlers return at once
	closeOnce sync.Once
	cbCtx     context.Context
	cbCancel  context.CancelFunc
	cbWG      sync.WaitGroup
	cbTimers  map[*time.Timer]bool
	cbClient  *http.Client
}

// Submission is one accepted POST /api/image/gen.
type Submission struct {
	Model       string
	Prompt      string
	Images      []string
	AspectRatio string
	ImageSize   string
	CallbackURL string
	TaskID      string
	Body        []byte      // the raw JSON body as received
	Header      http.Header // the request's headers
	At          time.Time
}

// Counts are the requests a Server received, faulted ones included.
type Counts struct {
	Submit   int // POST /api/image/gen (any method on that path)
	Query    int // /api/task/query
	Download int // /files/...
	Total    int // every request, unknown paths included
}

// task is the server's record of one submission. Its state follows from
// the time since submitted; outcome is fixed when first seen final.
type task struct {
	id        string
	prompt    string
	image     string // what its image is drawn from: the prompt, or with Varied the prompt and its submission count
	callback  string
	submitted time.Time
	settled   bool
	failed    string // status_reason.message when the task failed
	text      string // the text answer of a text-only success
}

// New starts a Server. Close it when done.
func New(opts Options) *Server {
	if opts.Key == "" {
		opts.Key = DefaultKey
	}
	if opts.ResultForm == "" {
		opts.ResultForm = "url"
	}
	if opts.ImageWidth <= 0 {
		opts.ImageWidth = 64
	}
	if opts.ImageHeight <= 0 {
		opts.ImageHeight = 64
	}
	if opts.Consumed == "" {
		opts.Consumed = "0.500000"
	}
	s := &Server{
		opts:      opts,
		images:    newImageCache(opts.ImageWidth, opts.ImageHeight),
		tasks:     map[string]*task{},
		perPrompt: map[string]int{},
		fail:      map[string]string{},
		text:      map[string]string{},
		reject:    map[string]bool{},
		done:      make(chan struct{}),
		cbTimers:  map[*time.Timer]bool{},
		cbClient:  &http.Client{Timeout: 10 * time.Second},
	}
	for _, m := range opts.RejectModels {
		s.reject[m] = true
	}
	s.cbCtx, s.cbCancel = context.WithCancel(context.Background())
	// URL is set before serving starts: handlers read it, and the race
	// detector sees no order through the loopback socket.
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.URL = "http://" + s.srv.Listener.Addr().String()
	s.srv.Start()
	return s
}

// Close stops the server, cancels pending callbacks and waits for running
// ones to end.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.cbCancel()
		s.mu.Lock()
		for t := range s.cbTimers {
			if t.Stop() {
				s.cbWG.Done()
			}
		}
		s.cbTimers = map[*time.Timer]bool{}
		s.mu.Unlock()
		s.srv.CloseClientConnections()
		s.srv.Close()
		s.cbWG.Wait()
	})
}

// FailPrompt makes tasks with this prompt end failed with reason as
// status_reason.message. It applies to tasks not yet seen final.
func (s *Server) FailPrompt(prompt, reason string) {
	s.mu.Lock()
	s.fail[prompt] = reason
	s.mu.Unlock()
}

// TextPrompt makes tasks with this prompt succeed with a text answer and
// no image. It applies to tasks not yet seen final.
func (s *Server) TextPrompt(prompt, text string) {
	s.mu.Lock()
	s.text[prompt] = text
	s.mu.Unlock()
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.total.Add(1)
	switch {
	case r.URL.Path == "/api/image/gen":
		s.submit.Add(1)
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusNotFound, errBody(1, "not found", ""))
			return
		}
		s.handleSubmit(w, r)
	case r.URL.Path == "/api/task/query":
		s.query.Add(1)
		if r.Method != http.MethodGet {
			writeJSON(w, http.StatusNotFound, errBody(1, "not found", ""))
			return
		}
		s.handleQuery(w, r)
	case strings.HasPrefix(r.URL.Path, "/files/"):
		s.download.Add(1)
		s.handleFile(w, r)
	default:
		writeJSON(w, http.StatusNotFound, errBody(1, "not found", ""))
	}
}

// authorized checks the bearer key exactly as the service does.
func (s *Server) authorized(r *http.Request) bool {
	return r.Header.Get("Authorization") == "Bearer "+s.opts.Key
}

type errorJSON struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
}

func errBody(code int, message, detail string) errorJSON {
	return errorJSON{Code: code, Message: message, Detail: detail}
}

// encode marshals v; the values encoded here cannot fail.
func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(`{"code":1,"message":"internal error"}`)
	}
	return b
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeRaw(w, status, encode(v))
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}
