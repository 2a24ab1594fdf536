package planner

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pixform/pixform/state"
)

func TestCandidateKeys(t *testing.T) {
	pend := map[string]*state.Pending{
		"image.logo":    {TaskID: "plain"},                  // the image's own key: never a candidate's
		"image.logo#3":  {TaskID: "t3", Fingerprint: "fp"},  // in flight: resumed first
		"image.logo#1":  {TaskID: "t1", Fingerprint: "old"}, // other inputs: its key is not reused
		"image.logo#2":  {Fingerprint: "fp"},                // stopped while submitting: submitted again
		"image.other#4": {TaskID: "t4", Fingerprint: "fp"},
	}
	tests := []struct {
		need        int
		keys        []string
		wantResumed int
	}{
		{1, []string{"image.logo#3"}, 1},
		{2, []string{"image.logo#3", "image.logo#2"}, 1},
		{4, []string{"image.logo#3", "image.logo#2", "image.logo#4", "image.logo#5"}, 1},
	}
	for _, tc := range tests {
		keys, resumed := CandidateKeys(pend, "image.logo", "fp", tc.need)
		if diff := cmp.Diff(tc.keys, keys); diff != "" || resumed != tc.wantResumed {
			t.Errorf("need %d: keys (-want +got):\n%s\nresumed %d, want %d", tc.need, diff, resumed, tc.wantResumed)
		}
	}
	for key, want := range map[string]struct {
		addr string
		k    int
	}{"image.logo#2": {"image.logo", 2}, "image.logo": {"image.logo", 0}, `image.x["a#1"]`: {`image.x["a#1"]`, 0}} {
		if addr, k := CandidateOf(key); addr != want.addr || k != want.k {
			t.Errorf("CandidateOf(%q) = %q, %d; want %q, %d", key, addr, k, want.addr, want.k)
		}
	}
}
