package cli

import (
	"sort"
	"strings"
)

// derivesUnderSources puts each derive's record after the images (sorted
// records stay in order otherwise) and returns, per derive address, the
// group it shows in: that of the image it is made from, through other
// derives. A derive whose source is not recorded (a fresh clone's lockfile
// keeps no references) keeps its own group.
func derivesUnderSources(recs []galleryRecord) map[string]string {
	byOutput := map[string]*galleryRecord{}
	for i := range recs {
		byOutput[recs[i].Output] = &recs[i]
	}
	home := map[string]string{}
	for _, r := range recs {
		if !strings.HasPrefix(r.Addr, "derive.") {
			continue
		}
		cur, seen := r, map[string]bool{}
		for strings.HasPrefix(cur.Addr, "derive.") && len(cur.Refs) == 1 && !seen[cur.Addr] {
			seen[cur.Addr] = true
			src := byOutput[cur.Refs[0]]
			if src == nil {
				break
			}
			cur = *src
		}
		if !strings.HasPrefix(cur.Addr, "derive.") {
			home[r.Addr], _ = groupOf(cur.Addr)
		}
	}
	sort.SliceStable(recs, func(i, j int) bool {
		return !strings.HasPrefix(recs[i].Addr, "derive.") && strings.HasPrefix(recs[j].Addr, "derive.")
	})
	return home
}
