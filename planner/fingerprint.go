package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/pixform/pixform/spec"
)

// RefID is the identity of a reference image inside a fingerprint: a URL as
// written, a local file or another asset by the sha256 of its content.
func RefID(r spec.Ref, sha string) string {
	switch r.Kind {
	case spec.RefFile:
		return "file:" + sha
	case spec.RefAsset:
		return "asset:" + sha
	default:
		return "url:" + r.Value
	}
}

// Inputs names everything that shapes an asset's pixels: provider kind,
// model, prompt, generation parameters and the identity of each reference.
// Not the output path, not base_url, not callback_url.
func Inputs(a *spec.Asset, refIDs []string) map[string]string {
	if a.Derive != nil {
		return deriveInputs(a, refIDs)
	}
	in := map[string]string{
		"provider": a.Provider,
		"model":    a.Model,
		"prompt":   a.Prompt,
	}
	if a.AspectRatio != "" {
		in["aspect_ratio"] = a.AspectRatio
	}
	if a.ImageSize != "" {
		in["image_size"] = a.ImageSize
	}
	for i, id := range refIDs {
		in[fmt.Sprintf("images[%d]", i)] = id
	}
	return in
}

// IgnoreChanges replaces the inputs named by the asset's
// lifecycle.ignore_changes with the prior ones, so that a change there does
// not regenerate the image.
func IgnoreChanges(a *spec.Asset, in, prior map[string]string) map[string]string {
	if len(a.IgnoreChanges) == 0 || prior == nil {
		return in
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	for _, attr := range a.IgnoreChanges {
		for k := range unionKeys(in, prior) {
			if k != attr && !(attr == "images" && strings.HasPrefix(k, "images[")) {
				continue
			}
			if v, ok := prior[k]; ok {
				out[k] = v
			} else {
				delete(out, k)
			}
		}
	}
	return out
}

// IgnoredKeys names the inputs of in that the asset's
// lifecycle.ignore_changes covers, sorted; the state and lockfile keep
// their values so that later plans (and fresh clones) substitute them.
func IgnoredKeys(a *spec.Asset, in map[string]string) []string {
	var keys []string
	for k := range in {
		for _, attr := range a.IgnoreChanges {
			if k == attr || (attr == "images" && strings.HasPrefix(k, "images[")) {
				keys = append(keys, k)
				break
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// Fingerprint hashes inputs canonically: the sha256 of their JSON, keys
// sorted, byte for byte what json.Marshal gives.
func Fingerprint(in map[string]string) string {
	var buf [1024]byte // most inputs fit, and it stays on the stack
	sum := sha256.Sum256(canonicalJSON(buf[:0], in))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// canonicalJSON appends json.Marshal(in) to b, without the reflection: a
// plan fingerprints every image.
func canonicalJSON(b []byte, in map[string]string) []byte {
	keys := slices.Sorted(maps.Keys(in)) // json.Marshal sorts keys bytewise too
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, in[k])
	}
	return append(b, '}')
}

// appendJSONString appends s as json.Marshal quotes it. Printable ASCII
// other than the characters json escapes is copied as it is; any other
// string is left to json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil {
				panic(err) // a string always marshals
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// changedInputs explains how two input sets differ, one reason each.
func changedInputs(prior, now map[string]string) []Reason {
	var keys []string
	for k := range unionKeys(prior, now) {
		if prior[k] != now[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	reasons := make([]Reason, len(keys))
	for i, k := range keys {
		reasons[i] = Reason{Code: ReasonInputChanged, Input: k, From: prior[k], To: now[k]}
	}
	return reasons
}

func unionKeys(a, b map[string]string) map[string]bool {
	u := make(map[string]bool, len(a)+len(b))
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}
