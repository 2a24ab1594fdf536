package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Request is one image generation request as the executor hands it over.
// Optional fields are sent only when set.
type Request struct {
	Model       string
	Prompt      string
	Images      []string // reference images: http(s) URLs or data: URIs, at most 4
	AspectRatio string
	ImageSize   string
	CallbackURL string
	// Candidate is which of several candidates of the same inputs this
	// request makes (1, 2, ...; 0 for an image without variants). The
	// service is not sent it: each of its generations differs anyway. The
	// offline provider, whose image is a function of the request, draws
	// each candidate differently.
	Candidate int
}

// Status is a task's state as the service reports it.
type Status string

// The statuses of API.md; only success and failed are final.
const (
	StatusPending    Status = "pending"
	StatusSubmitted  Status = "submitted"
	StatusInProgress Status = "in_progress"
	StatusSuccess    Status = "success"
	StatusFailed     Status = "failed"
)

// Final reports whether the status ends the task.
func (s Status) Final() bool { return s == StatusSuccess || s == StatusFailed }

// Task is what a query returns.
type Task struct {
	ID        string
	Status    Status
	Images    []string  // result items carrying "image": URLs or data: URIs
	Texts     []string  // result items carrying "text" instead of an image
	Consumed  float64   // credits, parsed from the "consumed" string
	Reason    string    // status_reason.message, when failed
	CreatedAt time.Time // zero when the service did not say
}

// Provider is an image generation service.
//
// Implementations retry transient faults themselves (5xx, resets, timeouts,
// malformed bodies, 429) within their retry policy and return an *Error
// whose Kind tells the caller what is left to decide.
type Provider interface {
	// Kind names the provider type: "defapi" or "offline".
	Kind() string
	// Submit starts a task and returns its id.
	Submit(ctx context.Context, req Request) (taskID string, err error)
	// Query returns the task's current state. A task the service does not
	// know (yet) is an *Error of kind KindNotFound.
	Query(ctx context.Context, taskID string) (Task, error)
	// Download streams the image named by ref (a URL or a data: URI) into w,
	// failing with KindTooLarge once more than max bytes arrive.
	Download(ctx context.Context, ref string, w io.Writer, max int64) (int64, error)
}

// Notifier is implemented by providers that receive task callbacks. Wait
// returns a channel that yields the task once its final callback arrives;
// Forget stops waiting for it.
type Notifier interface {
	CallbackURL() string
	Wait(taskID string) <-chan Task
	Forget(taskID string)
}

// Kind classifies a provider failure.
type Kind int

// The kinds of failure a caller branches on.
const (
	KindTransient   Kind = iota // retries exhausted on 5xx, resets, timeouts, malformed bodies
	KindBadRequest              // 400: this request will never succeed as it is
	KindAuth                    // 401: the key is missing, wrong or expired
	KindNotFound                // 404 on a task query: unknown, or not visible yet
	KindRateLimited             // 429 that outlasted the retry policy
	KindTooLarge                // a download exceeded its size cap
	KindLost                    // the provider knows the task can never be found (offline restarts)
	KindAccount                 // the account is out of balance or disabled: the key and the request are fine
)

func (k Kind) String() string {
	switch k {
	case KindBadRequest:
		return "bad request"
	case KindAuth:
		return "authentication failed"
	case KindNotFound:
		return "task not found"
	case KindRateLimited:
		return "rate limited"
	case KindTooLarge:
		return "too large"
	case KindLost:
		return "task lost"
	case KindAccount:
		return "account refused"
	default:
		return "transient failure"
	}
}

// Error is a failure reported by a provider. It never holds the API key.
type Error struct {
	Kind       Kind
	Op         string // "submit", "query", "download"
	Status     int    // HTTP status, 0 when none arrived
	Message    string // the API's message
	Detail     string // the API's detail (400 on submit)
	RetryAfter time.Duration
	Err        error // the underlying cause, if any
	// Ambiguous is set on a submit that failed after the request may have
	// reached the service (no answer, a reset, a mangled 200): the task may
	// exist, charged, without its id. The API has no idempotency key, so
	// such a submit is not retried silently: the caller decides, and says so.
	Ambiguous bool
}

func (e *Error) Error() string {
	msg := e.Op + ": " + e.Kind.String()
	if e.Status != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err when it is (or wraps) an *Error, and
// KindTransient otherwise.
func KindOf(err error) Kind {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return KindTransient
}
