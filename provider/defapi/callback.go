package defapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/pixform/pixform/provider"
)

// CallbackConfig makes a client receive task callbacks.
type CallbackConfig struct {
	// Listen is the address to serve on, e.g. ":8787" or "127.0.0.1:0".
	Listen string
	// PublicURL is where the service can reach that listener, e.g.
	// "https://hooks.example.com/pixform". When empty, the listener's own
	// address is used (fine for a service on the same host, and tests).
	PublicURL string
}

// maxCallbackBody bounds a callback body; larger ones get 413.
const maxCallbackBody = 1 << 20

// tokenParam names the query parameter that authenticates callbacks: a
// value derived from the API key, so that nobody without the key can
// forge a result, and stable across runs of pixform.
const tokenParam = "pixform_token"

// callbacks is the listener of task callbacks and the tasks waiting on it.
type callbacks struct {
	srv   *http.Server
	done  chan struct{}
	url   string
	token string
	logf  func(string, ...any)

	mu      sync.Mutex
	waiting map[string]chan provider.Task
}

func startCallbacks(cfg CallbackConfig, key string, logf func(string, ...any)) (*callbacks, error) {
	sum := sha256.Sum256([]byte("pixform callback token v1\x00" + key))
	cb := &callbacks{
		token:   hex.EncodeToString(sum[:16]),
		logf:    logf,
		waiting: map[string]chan provider.Task{},
		done:    make(chan struct{}),
	}
	public := cfg.PublicURL
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("callback listener: %w", err)
	}
	if public == "" {
		public = "http://" + ln.Addr().String() + "/callback"
	}
	u, err := url.Parse(public)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		ln.Close()
		return nil, fmt.Errorf("callback public URL %q: want an http or https URL", public)
	}
	q := u.Query()
	q.Set(tokenParam, cb.token)
	u.RawQuery = q.Encode()
	cb.url = u.String()
	cb.srv = &http.Server{Handler: cb, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	go func() {
		defer close(cb.done)
		cb.srv.Serve(ln)
	}()
	return cb, nil
}

func (cb *callbacks) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := cb.srv.Shutdown(ctx)
	if err != nil {
		err = cb.srv.Close()
	}
	<-cb.done
	return err
}

// ServeHTTP takes one callback: POST only, the token required, the body
// bounded, and only for a task being waited for.
func (cb *callbacks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		reply(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	tok := r.URL.Query().Get(tokenParam)
	if subtle.ConstantTimeCompare([]byte(tok), []byte(cb.token)) != 1 {
		reply(w, http.StatusForbidden, "forbidden")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			reply(w, http.StatusRequestEntityTooLarge, "body too large")
			return
		}
		reply(w, http.StatusBadRequest, "unreadable body")
		return
	}
	task, err := decodeCallback(body)
	if err != nil || task.ID == "" {
		reply(w, http.StatusBadRequest, "malformed callback")
		return
	}
	cb.mu.Lock()
	ch, ok := cb.waiting[task.ID]
	cb.mu.Unlock()
	switch {
	case !ok:
		cb.logf("callback for task %q ignored: not waiting for it", clip(task.ID))
		reply(w, http.StatusNotFound, "task not found")
	case !task.Status.Final():
		reply(w, http.StatusOK, "ok") // only final states are delivered
	default:
		select {
		case ch <- task: // kept in the buffer until Wait's caller reads it
		default: // a repeated callback: the first is already there
		}
		reply(w, http.StatusOK, "ok")
	}
}

// expect registers a task this client just submitted, so that a callback
// arriving before the caller's Wait is kept rather than refused.
func (cb *callbacks) expect(taskID string) {
	cb.wait(taskID)
}

func reply(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	code := 0
	if status != http.StatusOK {
		code = 1
	}
	fmt.Fprintf(w, `{"code":%d,"message":%q}`, code, msg)
}

func (cb *callbacks) wait(taskID string) <-chan provider.Task {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	ch, ok := cb.waiting[taskID]
	if !ok {
		ch = make(chan provider.Task, 1)
		cb.waiting[taskID] = ch
	}
	return ch
}

func (cb *callbacks) forget(taskID string) {
	cb.mu.Lock()
	delete(cb.waiting, taskID)
	cb.mu.Unlock()
}

// CallbackURL returns the URL to send as a request's callback_url, or ""
// when the client was made without Config.Callback.
func (c *Client) CallbackURL() string {
	if c.cb == nil {
		return ""
	}
	return c.cb.url
}

// Wait returns a channel that yields the task once its final callback
// arrives. Without Config.Callback it returns nil, a channel that never
// yields. Callbacks are an optimisation: keep polling beside them.
func (c *Client) Wait(taskID string) <-chan provider.Task {
	if c.cb == nil {
		return nil
	}
	return c.cb.wait(taskID)
}

// Forget stops waiting for taskID.
func (c *Client) Forget(taskID string) {
	if c.cb != nil {
		c.cb.forget(taskID)
	}
}

// Notifier returns the client as a provider.Notifier when it serves
// callbacks, and nil otherwise.
func (c *Client) Notifier() provider.Notifier {
	if c.cb == nil {
		return nil
	}
	return c
}
