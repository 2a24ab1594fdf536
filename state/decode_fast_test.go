package state

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDecodeFastAsEncodingJSON: whatever state.json holds, decodeState
// gives what encoding/json gives; the fast path either agrees with it or
// declines.
func TestDecodeFastAsEncodingJSON(t *testing.T) {
	s := New()
	s.Serial = 42
	for i := range 50 {
		a := testAsset(i)
		s.Assets[a.Addr] = &a
		s.Files[a.Output] = FileHash{Size: int64(1000 + i), ModTime: 1700000000123456789 + int64(i), Inode: uint64(9000 + i), SHA256: a.SHA256}
	}
	odd := testAsset(99)
	odd.Prompt = "quotes \" back\\slash / tab\t nl\n <html> & é ☃ \u2028 emoji 😀"
	odd.Ignored = []string{"prompt"}
	odd.Refs = []string{}
	odd.Inputs = map[string]string{}
	odd.Sensitive = true
	s.Assets[odd.Addr] = &odd
	p := testPending(7)
	s.Pending[p.Addr] = &p
	s.Models["google/gempix2"] = ModelStats{Tasks: 3, Consumed: 0.12}
	enc, err := encodeState(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := decodeFast(enc); !ok {
		t.Fatal("the fast path declines a state.json as encodeState writes it")
	}
	doc := string(enc)
	taken := map[string]bool{"as written": true, "compact": true, "refs met twice": true, "inputs met twice": true,
		"files met twice": true, "a \\u escape": true, "a bad surrogate": true}
	for _, tc := range []struct {
		name string
		doc  string
	}{
		{"as written", doc},
		{"compact", compact(t, enc)},
		{"a key in capitals", strings.Replace(doc, `"lineage"`, `"Lineage"`, 1)},
		{"an unknown key", strings.Replace(doc, `"lineage"`, `"extra": 1, "lineage"`, 1)},
		{"a null", strings.Replace(doc, `"refs": [`, `"refs": null, "x": [`, 1)},
		{"refs met twice", strings.Replace(doc, `"refs": [`, `"refs": ["a", "b"], "refs": [`, 1)},
		{"inputs met twice", strings.Replace(doc, `"inputs": {`, `"inputs": {"extra": "1"}, "inputs": {`, 1)},
		{"files met twice", strings.Replace(doc, `"files": {`, `"files": {"x.png": {"size": 1, "sha256": "ab"}}, "files": {`, 1)},
		{"serial with a plus", strings.Replace(doc, `"serial": 42`, `"serial": +42`, 1)},
		{"serial with a leading zero", strings.Replace(doc, `"serial": 42`, `"serial": 042`, 1)},
		{"serial as a float", strings.Replace(doc, `"serial": 42`, `"serial": 42.0`, 1)},
		{"negative serial", strings.Replace(doc, `"serial": 42`, `"serial": -42`, 1)},
		{"consumed with an exponent", strings.Replace(doc, `"consumed": 0.12`, `"consumed": 12e-2`, 1)},
		{"consumed as 1.", strings.Replace(doc, `"consumed": 0.12`, `"consumed": 1.`, 1)},
		{"a \\u escape", strings.Replace(doc, `"addr": "image`, `"addr": "\u0069mage`, 1)},
		{"a bad surrogate", strings.Replace(doc, `"addr": "image`, `"addr": "\ud800image`, 1)},
		{"invalid UTF-8", strings.Replace(doc, `"addr": "image`, "\"addr\": \"\xffimage", 1)},
		{"a control character", strings.Replace(doc, `"addr": "image`, "\"addr\": \"\x01image", 1)},
		{"a bad escape", strings.Replace(doc, `"addr": "image`, `"addr": "\qimage`, 1)},
		{"a bad time", strings.Replace(doc, `"generated_at": "2025`, `"generated_at": "x2025`, 1)},
		{"truncated", doc[:len(doc)/2]},
		{"trailing garbage", doc + "}"},
		{"not an object", "[" + doc + "]"},
		{"true for a bool", strings.Replace(doc, `"sensitive": true`, `"sensitive": tru`, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want State
			wantErr := json.Unmarshal([]byte(tc.doc), &want)
			got, ok := decodeFast([]byte(tc.doc))
			if !ok && taken[tc.name] {
				t.Fatal("the fast path declines it, want it taken")
			}
			if !ok {
				return // encoding/json decides
			}
			if wantErr != nil {
				t.Fatalf("the fast path took what encoding/json refuses (%v)", wantErr)
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Fatalf("got (-encoding/json +fast):\n%s", diff)
			}
		})
	}
}

func compact(t *testing.T, b []byte) string {
	var out strings.Builder
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(&out, string(c))
	return out.String()
}
