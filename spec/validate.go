package spec

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// checkModel warns about a model outside KnownModels: the service serves
// more models than its reference names, so it is not an error.
func (l *loader) checkModel(attr *hcl.Attribute, model string) {
	if slices.Contains(KnownModels, model) {
		return
	}
	l.warnf(attr.Expr.Range().Ptr(), "Unknown model",
		"The model %q is not one that pixform knows: %s.%s The service may still serve it; if it does not, generating this image fails.",
		model, quotedList(KnownModels), didYouMean(model, KnownModels))
}

// checkEnum reports a value outside the allowed ones, and whether it is
// allowed.
func (l *loader) checkEnum(attr *hcl.Attribute, s string, allowed []string) bool {
	if slices.Contains(allowed, s) {
		return true
	}
	l.errorf(attr.Expr.Range().Ptr(), "Invalid "+attr.Name,
		"The %s %q is not one the API accepts. Use one of %s.%s", attr.Name, s, quotedList(allowed), didYouMean(s, allowed))
	return false
}

// didYouMean suggests the candidate closest to s, or says nothing when none
// is close. It starts with a space, to follow a sentence.
func didYouMean(s string, candidates []string) string {
	best, bestDist := "", -1
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	for _, c := range sorted {
		ls, lc := strings.ToLower(s), strings.ToLower(c)
		d := editDistance(ls, lc)
		if ls != "" && strings.HasSuffix(lc, "/"+ls) {
			d = 1 // the model without its vendor prefix
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > max(2, len([]rune(s))/3) {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

// editDistance is the Levenshtein distance between two strings, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
