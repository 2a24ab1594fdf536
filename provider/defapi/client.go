package defapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pixform/pixform/provider"
)

// DefaultBaseURL is the service's address.
const DefaultBaseURL = "https://api.defapi.org"

// KeyEnv is the environment variable that holds the API key. The client
// takes the key from its Config; the CLI reads it from here.
const KeyEnv = "DEFAPI_API_KEY"

// Config configures a Client. Only APIKey is required.
type Config struct {
	BaseURL    string       // DefaultBaseURL when empty; may carry a path prefix
	APIKey     string       // sent as a bearer token, never logged
	HTTPClient *http.Client // a client with a roomy connection pool when nil

	RateLimit float64 // requests per second to the API; 0 = unlimited

	RetryFor       time.Duration // keep retrying a request at least this long; 1m when 0
	RetryAttempts  int           // and at least this many attempts; 10 when 0
	MinBackoff     time.Duration // first backoff ceiling; 500ms when 0
	MaxBackoff     time.Duration // backoff ceiling; 15s when 0
	MaxRetryAfter  time.Duration // longest Retry-After honoured at once; 2m when 0
	AttemptTimeout time.Duration // one API request; 30s when 0
	// DownloadTimeout bounds one download attempt, body included; 5m when 0.
	DownloadTimeout time.Duration

	// Callback, when set, makes the client serve task callbacks: it then
	// implements provider.Notifier for real (see Client.Notifier).
	Callback *CallbackConfig

	// Sleep and Now replace the clock, for tests. Sleep must return early
	// with ctx's error when ctx ends.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
	// Logf, when set, receives one line per retry. The key is never in it.
	Logf func(format string, args ...any)
}

// Client is the HTTP client of the API. It implements provider.Provider
// and is safe for concurrent use.
type Client struct {
	cfg      Config
	base     *url.URL
	key      string
	http     *http.Client
	throttle *throttle
	cb       *callbacks // nil without Config.Callback
}

var _ provider.Provider = (*Client)(nil)
var _ provider.Notifier = (*Client)(nil)

// New returns a client for cfg. It fails without an API key, on a base URL
// that is not http(s), and when the callback listener cannot start.
func New(cfg Config) (*Client, error) {
	key := strings.TrimSpace(cfg.APIKey)
	if key == "" {
		return nil, errors.New("no API key: set the environment variable " + KeyEnv)
	}
	for _, r := range key {
		if r < 0x21 || r == 0x7f {
			return nil, errors.New("the API key in " + KeyEnv + " contains spaces or control characters: set it to the key alone")
		}
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("base URL %q: want an http or https URL such as %s", cfg.BaseURL, DefaultBaseURL)
	}
	setDefaults(&cfg)
	c := &Client{cfg: cfg, base: base, key: key, http: cfg.HTTPClient}
	if c.http == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		c.http = &http.Client{Transport: tr}
	}
	c.throttle = newThrottle(cfg.RateLimit, cfg.Now, cfg.Sleep)
	if cfg.Callback != nil {
		cb, err := startCallbacks(*cfg.Callback, key, c.logf)
		if err != nil {
			return nil, err
		}
		c.cb = cb
	}
	return c, nil
}

func setDefaults(cfg *Config) {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.RetryFor, time.Minute)
	def(&cfg.MinBackoff, 500*time.Millisecond)
	def(&cfg.MaxBackoff, 15*time.Second)
	def(&cfg.MaxRetryAfter, 2*time.Minute)
	def(&cfg.AttemptTimeout, 30*time.Second)
	def(&cfg.DownloadTimeout, 5*time.Minute)
	if cfg.RetryAttempts <= 0 {
		cfg.RetryAttempts = 10
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = cfg.MinBackoff
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Kind returns "defapi".
func (c *Client) Kind() string { return "defapi" }

// Close stops the callback listener, if any.
func (c *Client) Close() error {
	if c.cb != nil {
		return c.cb.close()
	}
	return nil
}

// submitBody is the JSON of POST /api/image/gen; optional fields are
// omitted when empty.
type submitBody struct {
	Model       string   `json:"model"`
	Prompt      string   `json:"prompt"`
	Images      []string `json:"images,omitempty"`
	CallbackURL string   `json:"callback_url,omitempty"`
	AspectRatio string   `json:"aspect_ratio,omitempty"`
	ImageSize   string   `json:"image_size,omitempty"`
}

// TracesSubmits reports that Submit calls the provider.SubmitTrace of its
// context: a 429 or a request that never reached the service is reported
// as Refused.
func (c *Client) TracesSubmits() bool { return true }

// Submit starts a generation task. It checks what the API would refuse
// for sure (no model, no prompt, more than 4 references) before sending.
func (c *Client) Submit(ctx context.Context, req provider.Request) (string, error) {
	bad := func(msg string) (string, error) {
		return "", &provider.Error{Kind: provider.KindBadRequest, Op: "submit", Message: msg}
	}
	switch {
	case strings.TrimSpace(req.Model) == "":
		return bad("model is required")
	case strings.TrimSpace(req.Prompt) == "":
		return bad("prompt is required")
	case len(req.Images) > 4:
		return bad(fmt.Sprintf("at most 4 reference images are allowed, got %d", len(req.Images)))
	}
	body, err := json.Marshal(submitBody{
		Model: req.Model, Prompt: req.Prompt, Images: req.Images, CallbackURL: req.CallbackURL,
		AspectRatio: req.AspectRatio, ImageSize: req.ImageSize,
	})
	if err != nil {
		return bad("cannot encode the request: " + err.Error())
	}
	var id string
	err = c.call(ctx, "submit", http.MethodPost, c.endpoint("/api/image/gen", ""), body, func(data []byte) error {
		var derr error
		id, derr = decodeSubmit(data)
		return derr
	})
	if err != nil {
		return "", err
	}
	if c.cb != nil {
		c.cb.expect(id) // its callback may come before the caller waits on it
	}
	return id, nil
}

// Query returns the task's current state; a task the service does not
// show (yet) is a *provider.Error of kind KindNotFound, returned at once.
func (c *Client) Query(ctx context.Context, taskID string) (provider.Task, error) {
	if taskID == "" {
		return provider.Task{}, &provider.Error{Kind: provider.KindBadRequest, Op: "query", Message: "empty task id"}
	}
	var task provider.Task
	err := c.call(ctx, "query", http.MethodGet, c.endpoint("/api/task/query", taskID), nil, func(data []byte) error {
		var derr error
		task, derr = DecodeQuery(data)
		return derr
	})
	if err != nil {
		return provider.Task{}, err
	}
	task.ID = taskID
	return task, nil
}

// endpoint joins path to the base URL; taskID, when set, becomes the
// escaped task_id query parameter.
func (c *Client) endpoint(path, taskID string) string {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawPath = ""
	u.RawQuery = ""
	if taskID != "" {
		u.RawQuery = "task_id=" + url.QueryEscape(taskID)
	}
	return u.String()
}

// call sends one API request under the retry policy and hands a 2xx body
// to decode; a decode error wrapping errMalformed is retried.
func (c *Client) call(ctx context.Context, op, method, u string, body []byte, decode func([]byte) error) error {
	return c.retry(ctx, op, true, func(ctx context.Context) error {
		actx, cancel := context.WithTimeout(ctx, c.cfg.AttemptTimeout)
		defer cancel()
		var rd *bytes.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := newRequest(actx, method, u, rd)
		if err != nil {
			return &provider.Error{Kind: provider.KindBadRequest, Op: op, Err: err}
		}
		c.authorize(req)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.http.Do(req)
		if err != nil {
			return transportError(ctx, op, err)
		}
		defer resp.Body.Close()
		data, err := readBody(resp.Body, maxAPIBody)
		if err != nil {
			if errors.Is(err, errBodyTooLarge) {
				return &provider.Error{Kind: provider.KindTooLarge, Op: op, Status: resp.StatusCode, Err: err}
			}
			return transportError(ctx, op, err)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return c.statusError(op, resp, data, true)
		}
		if err := decode(data); err != nil {
			if errors.Is(err, errMalformed) && op == "submit" { // accepted, but its id is lost
				return &provider.Error{Kind: provider.KindTransient, Op: op, Status: resp.StatusCode, Err: err, Ambiguous: true}
			}
			if errors.Is(err, errMalformed) {
				return &retryable{err: &provider.Error{Kind: provider.KindTransient, Op: op, Status: resp.StatusCode, Err: err}}
			}
			return err
		}
		return nil
	})
}

func newRequest(ctx context.Context, method, u string, body *bytes.Reader) (*http.Request, error) {
	if body == nil {
		return http.NewRequestWithContext(ctx, method, u, nil)
	}
	return http.NewRequestWithContext(ctx, method, u, body)
}

// authorize adds the bearer key and the headers every API request carries.
func (c *Client) authorize(req *http.Request) {
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "pixform")
}

// logf logs one line, with the key scrubbed and what could steer a
// terminal or forge a line escaped.
func (c *Client) logf(format string, args ...any) {
	if c.cfg.Logf == nil {
		return
	}
	c.cfg.Logf("%s", provider.Printable(c.scrub(fmt.Sprintf(format, args...))))
}

// scrub removes the key from s.
func (c *Client) scrub(s string) string {
	if c.key == "" || !strings.Contains(s, c.key) {
		return s
	}
	return strings.ReplaceAll(s, c.key, "[redacted]")
}
