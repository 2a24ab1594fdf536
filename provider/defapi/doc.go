// Package defapi is the HTTP client of the image generation API described
// in API.md (the "defapi" provider): submit a task, query it, download its
// image, and optionally receive task callbacks.
//
// The entry point is New, which takes a Config (base URL, key, rate limit,
// retry policy, callback listener) and returns a *Client implementing
// provider.Provider and, when Config.Callback is set, provider.Notifier.
// The client owns the per-request policy: a shared rate limiter;
// exponential backoff with full jitter on 5xx, resets, timeouts and
// malformed bodies; Retry-After on 429; bounded by both time (RetryFor)
// and attempts (RetryAttempts). It classifies everything else into a
// *provider.Error Kind at once (400, 401, 404) and never puts the key in
// an error or a log line. DecodeQuery, the lenient decoder of query and
// callback bodies, is exported for fuzzing.
//
// Neighbours: it imports only the provider package; the executor drives
// it, and internal/fakeapi stands in for the service in its tests.
//
// Files: client.go (Config, New, Submit, Query), retry.go (the policy and
// status classification), throttle.go (rate limiting), decode.go and
// fields.go (lenient bodies), download.go, callback.go.
package defapi
