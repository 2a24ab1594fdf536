package defapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pixform/pixform/provider"
)

// maxAPIBody bounds an API answer; data-URI results make them large.
const maxAPIBody = 128 << 20

var errBodyTooLarge = errors.New("response body too large")

// retryable marks an attempt's failure as worth another attempt. err is
// what the caller gets once the policy gives up.
type retryable struct {
	err    *provider.Error
	after  time.Duration // the server's Retry-After; 0 when it sent none
	unsent bool          // the attempt was certainly not accepted: a 429, or it never reached the server
}

func (r *retryable) Error() string { return r.err.Error() }

// retry runs try under the policy: a failure marked retryable is tried
// again after a backoff (or the server's Retry-After) until both
// RetryFor has passed and RetryAttempts attempts were made. Any other
// error ends at once. throttled requests go through the rate limiter.
// Every error returned is a scrubbed *provider.Error.
func (c *Client) retry(ctx context.Context, op string, throttled bool, try func(context.Context) error) error {
	start := c.cfg.Now()
	trace := provider.SubmitTraceFrom(ctx)
	if op != "submit" {
		trace = nil
	}
	fresh := true // nothing sent may have been accepted
	for attempt := 1; ; attempt++ {
		if throttled {
			if err := c.throttle.wait(ctx); err != nil {
				return c.fail(&provider.Error{Kind: provider.KindTransient, Op: op, Err: err})
			}
		}
		if trace != nil && fresh && trace.Sending != nil {
			if err := trace.Sending(); err != nil {
				return c.fail(&provider.Error{Kind: provider.KindTransient, Op: op, Message: "not sent", Err: err})
			}
		}
		fresh = false
		err := try(ctx)
		if err == nil {
			if throttled {
				c.throttle.ok()
			}
			return nil
		}
		var r *retryable
		if !errors.As(err, &r) {
			return c.fail(asProviderError(op, err))
		}
		if ctx.Err() != nil {
			return c.fail(&provider.Error{Kind: provider.KindTransient, Op: op, Err: ctx.Err()})
		}
		wait := c.backoff(attempt)
		if r.err.Kind == provider.KindRateLimited {
			if r.after > 0 {
				wait = min(r.after, c.cfg.MaxRetryAfter)
			}
			if throttled {
				c.throttle.slowDown(wait)
			}
		}
		if attempt >= c.cfg.RetryAttempts && c.cfg.Now().Sub(start) >= c.cfg.RetryFor {
			e := *r.err
			e.RetryAfter = r.after
			e.Err = exhausted{attempts: attempt, err: r.err.Err}
			return c.fail(&e)
		}
		if trace != nil && r.unsent {
			fresh = true
			if trace.Refused != nil {
				trace.Refused()
			}
		}
		c.logf("%s: %v; attempt %d failed, retrying in %s", op, r.err, attempt, wait.Round(time.Millisecond))
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return c.fail(&provider.Error{Kind: provider.KindTransient, Op: op, Err: err})
		}
	}
}

// exhausted says how long the policy tried; it wraps the last cause.
type exhausted struct {
	attempts int
	err      error
}

func (e exhausted) Error() string {
	if e.err == nil {
		return fmt.Sprintf("gave up after %d attempts", e.attempts)
	}
	return fmt.Sprintf("gave up after %d attempts: %v", e.attempts, e.err)
}

func (e exhausted) Unwrap() error { return e.err }

// backoff is exponential with full jitter: uniform in [0, min(max, min*2^(n-1))].
func (c *Client) backoff(attempt int) time.Duration {
	ceil := c.cfg.MinBackoff
	for i := 1; i < attempt && ceil < c.cfg.MaxBackoff; i++ {
		ceil *= 2
	}
	ceil = min(ceil, c.cfg.MaxBackoff)
	if ceil <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

func asProviderError(op string, err error) *provider.Error {
	var pe *provider.Error
	if errors.As(err, &pe) {
		return pe
	}
	return &provider.Error{Kind: provider.KindTransient, Op: op, Err: err}
}

// fail scrubs the key from every text of e and escapes what could steer a
// terminal (provider.Printable); it is the only way errors leave the client.
func (c *Client) fail(e *provider.Error) *provider.Error {
	out := *e
	out.Message = provider.Printable(c.scrub(out.Message))
	out.Detail = provider.Printable(c.scrub(out.Detail))
	if out.Err != nil && strings.Contains(out.Err.Error(), c.key) {
		out.Err = errors.New(c.scrub(out.Err.Error()))
	}
	if out.Err != nil {
		if text := out.Err.Error(); provider.Printable(text) != text {
			out.Err = printableErr{out.Err}
		}
	}
	return &out
}

// printableErr shows an error's text escaped (a transport error may quote
// what the server sent) and keeps the error for errors.Is and errors.As.
type printableErr struct{ err error }

func (p printableErr) Error() string { return provider.Printable(p.err.Error()) }
func (p printableErr) Unwrap() error { return p.err }

// transportError classifies a failure to get or read an answer: retryable
// unless the caller's own context ended.
func transportError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return &provider.Error{Kind: provider.KindTransient, Op: op, Err: ctx.Err()}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("attempt timed out: %w", err)
	}
	if op == "submit" && !beforeSending(err) {
		return &provider.Error{Kind: provider.KindTransient, Op: op, Err: err, Ambiguous: true}
	}
	return &retryable{err: &provider.Error{Kind: provider.KindTransient, Op: op, Err: err}, unsent: beforeSending(err)}
}

// beforeSending reports whether a transport error happened before the
// request could reach the server: resolving or connecting failed.
func beforeSending(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// statusError classifies a non-2xx answer. authSent says whether the
// request carried the key (a 401 elsewhere is not about the key).
func (c *Client) statusError(op string, resp *http.Response, body []byte, authSent bool) error {
	code := resp.StatusCode
	msg, detail := errorText(body)
	e := &provider.Error{Op: op, Status: code, Message: msg, Detail: detail}
	switch {
	case code == http.StatusTooManyRequests:
		e.Kind = provider.KindRateLimited
		after := parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())
		e.RetryAfter = after
		return &retryable{err: e, after: after, unsent: true}
	case code >= 500 || code == http.StatusRequestTimeout:
		e.Kind = provider.KindTransient
		return &retryable{err: e}
	case authSent && (code == http.StatusPaymentRequired || refusesAccount(msg, detail)):
		e.Kind = provider.KindAccount
	case (code == http.StatusUnauthorized || code == http.StatusForbidden) && authSent:
		e.Kind = provider.KindAuth
		e.Message = authMessage(msg)
	case code == http.StatusNotFound && op == "query":
		e.Kind = provider.KindNotFound
	case op == "download":
		e.Kind = provider.KindNotFound
		e.Message = strings.TrimSpace("the image URL no longer serves the image; query the task again " + paren(msg))
	case code == http.StatusNotFound:
		e.Kind = provider.KindBadRequest
		e.Message = strings.TrimSpace("unknown endpoint: check the provider's base_url " + paren(msg))
	default:
		e.Kind = provider.KindBadRequest
	}
	return e
}

func authMessage(msg string) string {
	return strings.TrimSpace("the API refused the key " + paren(msg) +
		": check the environment variable DEFAPI_API_KEY (a missing, mistyped or expired key, or an account disabled or out of balance)")
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

// errorText takes message and detail from an error body: the API's
// envelope, or the start of whatever text came.
func errorText(body []byte) (msg, detail string) {
	var env envelope
	if json.Unmarshal(body, &env) == nil {
		msg, detail = looseString(env.Message), looseString(env.Detail)
		if msg != "" || detail != "" {
			return clip(msg), clip(detail)
		}
	}
	text := strings.ToValidUTF8(string(bytes.TrimSpace(body)), "?")
	if strings.HasPrefix(text, "<") { // an HTML error page says nothing useful
		return "", ""
	}
	return clip(text), ""
}

// parseRetryAfter reads delay-seconds (fractions tolerated) or an HTTP
// date; anything else, or a time already past, is 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs <= 0 || secs > 86400 || secs != secs {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// readBody reads all of r, failing with errBodyTooLarge past max bytes.
func readBody(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, errBodyTooLarge
	}
	return data, nil
}
