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

// request builds the provider request of an asset, and the inputs and
// fingerprint of what it sends (planner.Resolve, from the hashes of the
// bytes read now: an upstream regenerated in this apply counts with its
// new content).
func (e *executor) request(a *spec.Asset) (provider.Request, map[string]string, string, error) {
	req := provider.Request{
		Model:       a.Model,
		Prompt:      a.Prompt,
		AspectRatio: a.AspectRatio,
		ImageSize:   a.ImageSize,
		CallbackURL: a.CallbackURL,
	}
	if _, k := planner.CandidateOf(a.Addr); k > 0 {
		req.Candidate = k
	}
	if n := notifier(e.opts.Providers[a.Provider]); n != nil && req.CallbackURL == "" {
		req.CallbackURL = n.CallbackURL()
	}
	shas := map[string]string{} // local reference -> the hash of the bytes sent
	for _, r := range a.Refs {
		if r.Kind == spec.RefURL {
			req.Images = append(req.Images, r.Value)
			continue
		}
		full := filepath.Join(e.opts.Dir, filepath.FromSlash(r.Value))
		if err := e.readInside(full); err != nil {
			return req, nil, "", fmt.Errorf("reference image %s: %w", r.Value, err)
		}
		data, err := afero.ReadFile(e.opts.Fs, full)
		if err != nil {
			return req, nil, "", fmt.Errorf("read reference image %s: %w", r.Value, err)
		}
		// The content names the type, not the file name; plan checked it,
		// but the file may have changed since.
		format := planner.SniffImage(data)
		if format == "" {
			return req, nil, "", fmt.Errorf("reference image %s is not a PNG, JPEG or WebP image (by its first bytes): not sent; reference an image file", r.Value)
		}
		sum := sha256.Sum256(data)
		shas[r.Value] = "sha256:" + hex.EncodeToString(sum[:])
		req.Images = append(req.Images, provider.DataURI("image/"+format, data))
	}
	inputs, fp := planner.Resolve(a, func(r spec.Ref) (string, bool) { return shas[r.Value], true })
	return req, inputs, fp, nil
}
