package offline

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	"github.com/pixform/pixform/provider"
)

// Provider is the offline provider. It is safe for concurrent use.
type Provider struct {
	mu    sync.Mutex
	tasks map[string]provider.Request
}

var _ provider.Provider = (*Provider)(nil)

// New returns an offline provider with no tasks.
func New() *Provider {
	return &Provider{tasks: map[string]provider.Request{}}
}

// Kind returns "offline".
func (p *Provider) Kind() string { return "offline" }

// TaskID returns the id Submit gives req: "offline-" and 24 hex digits of
// a hash of every field that shapes the image.
func TaskID(req provider.Request) string {
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(req.Model)
	field(req.Prompt)
	field(req.AspectRatio)
	field(req.ImageSize)
	field(fmt.Sprint(len(req.Images)))
	for _, im := range req.Images {
		field(im)
	}
	if req.Candidate > 0 { // ids of images without variants stay as they were
		field(fmt.Sprint("candidate ", req.Candidate))
	}
	return "offline-" + hex.EncodeToString(h.Sum(nil))[:24]
}

// Submit remembers req and returns its deterministic id. It refuses what
// the real API refuses for sure: no model, no prompt, more than 4
// references.
func (p *Provider) Submit(ctx context.Context, req provider.Request) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", &provider.Error{Kind: provider.KindTransient, Op: "submit", Err: err}
	}
	bad := func(msg string) (string, error) {
		return "", &provider.Error{Kind: provider.KindBadRequest, Op: "submit", Message: msg}
	}
	switch {
	case req.Model == "":
		return bad("model is required")
	case req.Prompt == "":
		return bad("prompt is required")
	case len(req.Images) > 4:
		return bad(fmt.Sprintf("at most 4 reference images are allowed, got %d", len(req.Images)))
	}
	id := TaskID(req)
	req.Images = append([]string(nil), req.Images...)
	p.mu.Lock()
	p.tasks[id] = req
	p.mu.Unlock()
	return id, nil
}

// Query renders the task's placeholder and returns it, finished, as a
// data: URI; it costs nothing. An id this process did not submit is
// KindLost: after a restart, submit again.
func (p *Provider) Query(ctx context.Context, taskID string) (provider.Task, error) {
	if err := ctx.Err(); err != nil {
		return provider.Task{}, &provider.Error{Kind: provider.KindTransient, Op: "query", Err: err}
	}
	p.mu.Lock()
	req, ok := p.tasks[taskID]
	p.mu.Unlock()
	if !ok {
		return provider.Task{}, &provider.Error{Kind: provider.KindLost, Op: "query",
			Message: "the offline provider keeps tasks in memory only; submit again (it costs nothing)"}
	}
	png, err := Render(req)
	if err != nil {
		return provider.Task{}, &provider.Error{Kind: provider.KindTransient, Op: "query", Message: "rendering the placeholder failed", Err: err}
	}
	return provider.Task{
		ID:     taskID,
		Status: provider.StatusSuccess,
		Images: []string{provider.DataURI("image/png", png)},
	}, nil
}

// Download decodes a data: URI into w; the offline provider has nothing
// else to download.
func (p *Provider) Download(ctx context.Context, ref string, w io.Writer, max int64) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, &provider.Error{Kind: provider.KindTransient, Op: "download", Err: err}
	}
	if !provider.IsDataURI(ref) {
		return 0, &provider.Error{Kind: provider.KindBadRequest, Op: "download",
			Message: "the offline provider downloads only data: URIs"}
	}
	return provider.CopyDataURI(ref, w, max)
}
