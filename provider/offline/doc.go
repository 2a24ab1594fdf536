// Package offline is the "offline" provider: deterministic placeholder
// PNGs, no network, no key, no cost. It lets a team lay out a spec, run
// plan and apply, and wire references before paying for real images, and
// it is what the examples and the CLI's tests apply.
//
// The entry point is New, which returns a *Provider implementing
// provider.Provider. Submit hashes the request into an id ("offline-" and
// 24 hex digits) and remembers it; Query renders the placeholder (Render,
// in render.go and layout.go) and returns it finished as a data: URI;
// Download decodes that URI. Tasks live in memory only: after a restart a
// Query is KindLost, and the executor simply submits again.
//
// Neighbours: it imports only the provider package; the executor drives
// it like any other provider.
package offline
