package cli

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/pixform/pixform/state"
	"github.com/pixform/pixform/store"
)

// galleryCandidate is one candidate of an image, shown beside the others.
type galleryCandidate struct {
	N       int
	Src     string // relative URL of its copy in the gallery directory
	Short   string // sha256 prefix
	SHA256  string
	Picked  bool
	Current bool
	Cmd     string // the command that picks it
	Info    string // date, credits, dimensions
}

// candidateDir is where a gallery keeps copies of the candidates, beside
// index.html: the store is never linked.
const candidateDir = "candidates"

// candidateName is the file of a candidate's copy in candidateDir.
func candidateName(sum, output string) string {
	return strings.TrimPrefix(sum, "sha256:") + path.Ext(output)
}

// galleryCandidates lists the candidates of the image rec when it has at
// least two, and copies each into dir/candidates (when copy is set; the
// served gallery streams them from the store instead).
func (e *env) galleryCandidates(s store.Store, dir string, r galleryRecord, copyOut bool) []galleryCandidate {
	if r.Fingerprint == "" {
		return nil
	}
	list, err := e.candidatesOf(s, &state.Asset{SHA256: r.SHA256, Fingerprint: r.Fingerprint, Pick: r.Pick})
	if err != nil || len(list) < 2 {
		return nil
	}
	out := make([]galleryCandidate, 0, len(list))
	for _, c := range list {
		name := candidateName(c.Gen.SHA256, r.Output)
		if copyOut {
			full := filepath.Join(dir, candidateDir, name)
			if !e.existsAbs(full) {
				if err := e.fs.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					return nil
				}
				if err := s.CopyTo(e.ctx, c.Gen.SHA256, e.fs, full); err != nil {
					continue // corrupt: reported by the store, not shown
				}
			}
		}
		info := fmt.Sprintf("%s · %s credits", c.Gen.Created.UTC().Format("2006-01-02 15:04"), credits(c.Gen.Credits))
		if c.Gen.Width > 0 {
			info += fmt.Sprintf(" · %dx%d", c.Gen.Width, c.Gen.Height)
		}
		out = append(out, galleryCandidate{
			N: c.N, Src: "./" + candidateDir + "/" + name, Short: shortSum(c.Gen.SHA256), SHA256: c.Gen.SHA256,
			Picked: c.Picked, Current: c.Current, Cmd: fmt.Sprintf("pixform pick %s %d", r.Addr, c.N), Info: info,
		})
	}
	return out
}

func (e *env) existsAbs(full string) bool {
	fi, err := e.fs.Stat(full)
	return err == nil && !fi.IsDir()
}

// addCandidates fills in the candidates of every card.
func (e *env) addCandidates(v *galleryView, dir string, recs []galleryRecord, copyOut bool) {
	s := e.imageStore()
	byAddr := map[string]galleryRecord{}
	for _, r := range recs {
		byAddr[r.Addr] = r
	}
	for gi := range v.Groups {
		for ci := range v.Groups[gi].Images {
			c := &v.Groups[gi].Images[ci]
			c.Candidates = e.galleryCandidates(s, dir, byAddr[c.Addr], copyOut)
		}
	}
}
