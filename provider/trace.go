package provider

import "context"

// SubmitTrace follows the attempts of one submission, for a caller that
// records whether the service may have accepted it: set with
// WithSubmitTrace on the context given to Submit, by a provider whose
// TracesSubmits reports true. Its hooks are called one at a time, from the
// goroutine that runs Submit.
type SubmitTrace struct {
	// Sending is called before an attempt leaves the machine when nothing
	// of this submission may have been accepted yet: before the first, and
	// before the next after Refused. When it fails, nothing is sent and
	// Submit returns its error (wrapped).
	Sending func() error
	// Refused is called when an attempt was certainly not accepted (the
	// service answered 429, or the request never reached it) and another
	// attempt will follow.
	Refused func()
}

// SubmitTracer is a provider that calls the SubmitTrace of the context
// given to Submit.
type SubmitTracer interface {
	TracesSubmits() bool
}

type traceKey struct{}

// WithSubmitTrace returns ctx carrying t.
func WithSubmitTrace(ctx context.Context, t *SubmitTrace) context.Context {
	return context.WithValue(ctx, traceKey{}, t)
}

// SubmitTraceFrom returns the trace ctx carries, or nil.
func SubmitTraceFrom(ctx context.Context) *SubmitTrace {
	t, _ := ctx.Value(traceKey{}).(*SubmitTrace)
	return t
}
