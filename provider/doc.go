// Package provider defines how pixform talks to an image generation service:
// the Provider interface (submit a task, query it, download its image), the
// Request and Task types, and the Error kinds the executor branches on;
// SubmitTrace, through which a provider tells the executor which attempts
// of a submission the service certainly did not accept (trace.go); the
// data: URI helpers every party shares (DataURI for local
// reference files, DecodeDataURI and CopyDataURI to stream results); and
// Printable, which escapes text from a service before anyone shows it.
//
// Implementations live in sub-packages: defapi (the HTTP client of the
// Nano Banana Pro API described in API.md) and offline (deterministic
// placeholder PNGs, no network, no key). This package is a leaf: it imports
// nothing else of pixform. The executor drives providers; nothing here knows
// about specs, plans or state.
package provider
