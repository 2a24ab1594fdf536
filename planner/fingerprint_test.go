package planner

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCanonicalJSON checks that fingerprints hash exactly the bytes
// json.Marshal gives, as they always have: a fingerprint that changed
// would regenerate every image.
func TestCanonicalJSON(t *testing.T) {
	const alphabet = "az09 /:._-[]\"\\<>&\n\t\x00\x1f\x7féモ\u2028\u2029\xff"
	runes := []rune(alphabet)
	rnd := rand.New(rand.NewPCG(3, 4))
	str := func() string {
		var b strings.Builder
		for range rnd.IntN(12) {
			if rnd.IntN(8) == 0 {
				b.WriteByte(byte(rnd.IntN(256))) // invalid UTF-8 too
				continue
			}
			b.WriteRune(runes[rnd.IntN(len(runes))])
		}
		return b.String()
	}
	cases := []map[string]string{
		{},
		{"provider": "offline", "model": "google/gempix2", "prompt": "a <b> & \"c\"", "images[0]": "file:sha256:00", "images[10]": "url:https://x/?a=1&b=2"},
	}
	for range 3000 {
		m := map[string]string{}
		for range rnd.IntN(6) {
			m[str()] = str()
		}
		cases = append(cases, m)
	}
	for _, m := range cases {
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := canonicalJSON(nil, m); string(got) != string(want) {
			t.Fatalf("canonicalJSON(%q):\ngot  %q\nwant %q", m, got, want)
		}
	}
}
