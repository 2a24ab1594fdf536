package executor

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/spec"
)

// request builds the provider request of an asset and the inputs of its
// fingerprint. Local reference files and upstream outputs are read now, so
// an upstream regenerated in this apply counts with its new content.
func (e *executor) request(a *spec.Asset) (provider.Request, map[string]string, error) {
	req := provider.Request{
		Model:       a.Model,
		Prompt:      a.Prompt,
		AspectRatio: a.AspectRatio,
		ImageSize:   a.ImageSize,
		CallbackURL: a.CallbackURL,
	}
	if n := notifier(e.opts.Providers[a.Provider]); n != nil && req.CallbackURL == "" {
		req.CallbackURL = n.CallbackURL()
	}
	ids := make([]string, 0, len(a.Refs))
	for _, r := range a.Refs {
		if r.Kind == spec.RefURL {
			req.Images = append(req.Images, r.Value)
			ids = append(ids, planner.RefID(r, ""))
			continue
		}
		full := filepath.Join(e.opts.Dir, filepath.FromSlash(r.Value))
		if err := e.readInside(full); err != nil {
			return req, nil, fmt.Errorf("reference image %s: %w", r.Value, err)
		}
		data, err := afero.ReadFile(e.opts.Fs, full)
		if err != nil {
			return req, nil, fmt.Errorf("read reference image %s: %w", r.Value, err)
		}
		// The content names the type, not the file name; plan checked it,
		// but the file may have changed since.
		format := planner.SniffImage(data)
		if format == "" {
			return req, nil, fmt.Errorf("reference image %s is not a PNG, JPEG or WebP image (by its first bytes): not sent; reference an image file", r.Value)
		}
		sum := sha256.Sum256(data)
		ids = append(ids, planner.RefID(r, "sha256:"+hex.EncodeToString(sum[:])))
		req.Images = append(req.Images, provider.DataURI("image/"+format, data))
	}
	return req, planner.Inputs(a, ids), nil
}
