package planner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// CandidateKey is the key under which the state records the task of the
// candidate k (k >= 1) of the image addr while it is in flight: no address
// ends in '#' and digits (one with a key ends in ']'), so it cannot be
// another image's, and an image without variants keeps its address as its
// key, as before candidates existed.
func CandidateKey(addr string, k int) string { return addr + "#" + strconv.Itoa(k) }

// CandidateOf splits a pending key into the image's address and the
// candidate number; k is 0 for a plain address.
func CandidateOf(key string) (addr string, k int) {
	i := strings.LastIndexByte(key, '#')
	if i < 0 {
		return key, 0
	}
	n, err := strconv.Atoi(key[i+1:])
	if err != nil || n < 1 {
		return key, 0
	}
	return key[:i], n
}

// CandidateKeys returns the keys under which apply makes need candidates
// of addr: first those whose tasks an earlier apply left in flight for the
// fingerprint fp (they are resumed, not paid again), then those where an
// earlier apply stopped while submitting (submitted again, with the same
// warning as any image), then unused ones. It
// also returns how many of them are resumed. One function, so that what
// plan estimates is what apply submits.
func CandidateKeys(pending map[string]*state.Pending, addr, fp string, need int) (keys []string, resumed int) {
	used := map[string]bool{}
	var inFlight, intents []string
	for key, p := range pending {
		if a, k := CandidateOf(key); a == addr && k > 0 {
			used[key] = true
			switch {
			case p.TaskID != "" && (fp == "" || p.Fingerprint == fp):
				inFlight = append(inFlight, key)
			case p.TaskID == "":
				intents = append(intents, key)
			}
		}
	}
	sortKeys(inFlight)
	sortKeys(intents)
	for _, key := range inFlight {
		if len(keys) < need {
			keys = append(keys, key)
		}
	}
	resumed = len(keys)
	for _, key := range intents {
		if len(keys) < need {
			keys = append(keys, key)
		}
	}
	for k := 1; len(keys) < need; k++ {
		if key := CandidateKey(addr, k); !used[key] {
			keys = append(keys, key)
		}
	}
	return keys, resumed
}

// sortKeys orders candidate keys by their number.
func sortKeys(keys []string) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0; j-- {
			_, a := CandidateOf(keys[j-1])
			_, b := CandidateOf(keys[j])
			if a <= b {
				break
			}
			keys[j-1], keys[j] = keys[j], keys[j-1]
		}
	}
}

// Variants is how many candidates of a apply makes: 1 unless set.
func Variants(a *spec.Asset) int {
	return max(a.Variants, 1)
}

// planCandidates decides the candidates of an image with variants: a
// change that generates makes all of them (-replace adds as many new ones
// to choose from); a restore, or an image up to date, whose fingerprint the
// store holds fewer generations of than variants asks for (variants
// raised from 2 to 4), makes only the missing ones. An image whose
// generations the store does not hold (a fresh clone) is left as it is.
func (p *planner) planCandidates(ch *Change, a *spec.Asset) {
	n := Variants(a)
	if n < 2 || ch.Fingerprint == "" {
		return
	}
	need := n
	switch {
	case ch.Action.Generates():
	case ch.Action == NoOp && ch.Prior != nil && ch.Prior.Pick != "":
		return // picked: the choice is made (store gc may have collected the others); -replace makes a new set
	case ch.Action == Restore || (ch.Action == NoOp && !ch.Drift && p.opts.Generations != nil):
		held := 0
		if p.opts.Generations != nil {
			held = len(p.opts.Generations(ch.Fingerprint))
		}
		if held == 0 || held >= n {
			return
		}
		need = n - held
		if ch.Action == NoOp {
			ch.Action = AddCandidates
			ch.Reasons = append(ch.Reasons, Reason{Code: ReasonVariantsMissing, Detail: fmt.Sprintf("%d/%d", held, n)})
		}
	default:
		return
	}
	keys, resumed := CandidateKeys(p.st.Pending, a.Addr, ch.Fingerprint, need)
	ch.Candidates = len(keys)
	ch.Cost = float64(need-resumed) * p.estimate(a)
	if resumed > 0 {
		ch.Reasons = append(ch.Reasons, Reason{Code: ReasonTaskResumed, Detail: fmt.Sprintf("%d candidate(s)", resumed)})
	}
}
