package cli

import (
	"fmt"
	"path/filepath"
	"strings"
)

// galleryView is what the gallery template shows.
type galleryView struct {
	Title   string
	Source  string // "state" or "lockfile"
	Count   int
	Missing int
	Groups  []galleryGroup
	// Token, set by gallery -serve, makes every candidate a pick button
	// whose form carries it (see gallery_serve.go).
	Token string
}

// galleryGroup is the instances of one image block.
type galleryGroup struct {
	Name   string // image.hero
	Images []galleryCard
}

// galleryCard is one image.
type galleryCard struct {
	ID          string // the card's anchor, img-N
	Addr        string
	Key         string // ["a"] or [3]; "" for a single instance
	Output      string
	Src         string // relative URL of the output; "" when missing
	Prompt      string
	PromptKnown bool
	Model       string
	Refs        []galleryRef
	Generated   string
	Credits     string
	Candidates  []galleryCandidate // side by side, when it has two or more
}

// galleryRef is one reference image: a local file shown as a thumbnail
// (linking to its card when another image made it), or a URL as a link.
type galleryRef struct {
	Label   string
	Src     string // thumbnail; "" for a URL or a missing file
	Href    string // a URL
	Card    string // the anchor of the image that made it
	Missing bool
}

// galleryPage builds the view of recs for a gallery written into dir.
func (e *env) galleryPage(dir string, recs []galleryRecord, source string) galleryView {
	sortRecords(recs)
	home := derivesUnderSources(recs)
	groupAt := map[string]int{} // group name -> index in v.Groups
	v := galleryView{Title: filepath.Base(e.dir), Source: source, Count: len(recs)}
	cardOf := map[string]string{} // output path -> card anchor
	for i, r := range recs {
		cardOf[r.Output] = fmt.Sprintf("img-%d", i)
	}
	for i, r := range recs {
		group, key := groupOf(r.Addr)
		if h, ok := home[r.Addr]; ok {
			group, key = h, r.Addr // a derive shows under the image it is made from, by its address
		}
		c := galleryCard{
			ID: fmt.Sprintf("img-%d", i), Addr: r.Addr, Key: key, Output: r.Output,
			Prompt: r.Prompt, PromptKnown: r.PromptKnown, Model: r.Model,
		}
		if e.exists(r.Output) {
			c.Src = fileURL(dir, e.dir, r.Output)
		} else {
			v.Missing++
		}
		if !r.GeneratedAt.IsZero() {
			c.Generated = r.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		if r.Consumed > 0 {
			c.Credits = credits(r.Consumed)
		}
		for _, ref := range r.Refs {
			c.Refs = append(c.Refs, e.galleryRef(dir, ref, cardOf))
		}
		if _, ok := groupAt[group]; !ok {
			groupAt[group] = len(v.Groups)
			v.Groups = append(v.Groups, galleryGroup{Name: group})
		}
		g := &v.Groups[groupAt[group]]
		g.Images = append(g.Images, c)
	}
	return v
}

func (e *env) galleryRef(dir, ref string, cardOf map[string]string) galleryRef {
	if isURL(ref) {
		r := galleryRef{Label: ref}
		if len(r.Label) > 80 {
			r.Label = r.Label[:77] + "..."
		}
		if strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://") {
			r.Href = ref // a data: URI is only named: it may be megabytes
		}
		return r
	}
	r := galleryRef{Label: ref, Card: cardOf[ref]}
	if e.exists(ref) {
		r.Src = fileURL(dir, e.dir, ref)
	} else {
		r.Missing = true
	}
	return r
}

// exists reports whether a slash path relative to the spec dir is a file.
func (e *env) exists(rel string) bool {
	fi, err := e.fs.Stat(filepath.Join(e.dir, filepath.FromSlash(rel)))
	return err == nil && !fi.IsDir()
}
