package cli

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// DefaultGalleryDir is where gallery writes, relative to the spec directory.
const DefaultGalleryDir = "pixform-gallery"

func runGallery(e *env, args []string) int {
	ga, err := parseGallery(args)
	if err != nil {
		return e.argError(err)
	}
	out, serve, listen := &ga.out, &ga.serve, &ga.listen
	if *serve {
		return e.serveGallery(*listen) // gallery_serve.go
	}
	dir := *out
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(e.dir, dir)
	}
	recs, source, err := e.galleryRecords()
	if err != nil {
		return e.errorf("%v", err)
	}
	if len(recs) == 0 {
		return e.errorf("no images to show: neither the state nor %s records any image here. Run 'pixform apply' first.", state.LockfileName)
	}
	page := e.galleryPage(dir, recs, source)
	e.addCandidates(&page, dir, recs, true)
	var buf bytes.Buffer
	if err := galleryTemplate.Execute(&buf, page); err != nil {
		return e.errorf("render the gallery: %v", err)
	}
	index := filepath.Join(dir, "index.html")
	if err := state.WriteFileAtomic(e.fs, index, buf.Bytes()); err != nil {
		return e.errorf("write the gallery: %v. Choose a writable directory with -o DIR.", err)
	}
	shown := relName(e.dir, index)
	fmt.Fprintf(e.stdout, "Wrote %s: %d image(s) from the %s", shown, page.Count, source)
	if page.Missing > 0 {
		fmt.Fprintf(e.stdout, ", %d of them missing on disk (run 'pixform apply' to make them again)", page.Missing)
	}
	fmt.Fprintf(e.stdout, ".\nOpen it in a browser: it links the images where they are and needs no server.\n")
	if !filepath.IsAbs(*out) && !strings.HasPrefix(filepath.ToSlash(filepath.Clean(*out)), "../") {
		fmt.Fprintf(e.stdout, "It is rebuilt from the state at will: add %s/ to .gitignore.\n", filepath.ToSlash(filepath.Clean(*out)))
	}
	return ExitOK
}

// galleryRecord is what pixform knows about one image.
type galleryRecord struct {
	Addr, Output, Model, Prompt string
	PromptKnown                 bool
	Refs                        []string // as written in the spec: URL, or a slash path relative to the spec dir
	GeneratedAt                 time.Time
	Consumed                    float64
	SHA256, Fingerprint, Pick   string // to find its candidates in the store
}

// galleryRecords reads the images from the state or, on a fresh clone with
// only the lockfile, from the lockfile; it says which.
func (e *env) galleryRecords() ([]galleryRecord, string, error) {
	st, err := e.loadState()
	if err != nil {
		return nil, "", err
	}
	if len(st.Assets) > 0 {
		recs := make([]galleryRecord, 0, len(st.Assets))
		sensitive := e.sensitiveAddrs(st)
		for _, a := range st.Assets {
			recs = append(recs, galleryRecord{
				Addr: a.Addr, Output: a.Output, Model: a.Model, Prompt: shownPrompt(a.Prompt, sensitive[a.Addr]),
				PromptKnown: a.Prompt != "", // empty for an image adopted from a teammate's lockfile under -target
				Refs:        a.Refs, GeneratedAt: a.GeneratedAt, Consumed: a.Consumed,
				SHA256: a.SHA256, Fingerprint: a.Fingerprint, Pick: a.Pick,
			})
			if a.Provider == spec.DeriveProvider { // what it does stands where a prompt would
				recs[len(recs)-1].Prompt, recs[len(recs)-1].PromptKnown = "Derived from its source: "+describeShort(a.Inputs["derive"]), true
			}
		}
		return recs, "state", nil
	}
	lock, err := state.ReadLock(e.fs, e.dir)
	if err != nil || lock == nil {
		return nil, "", err
	}
	recs := make([]galleryRecord, 0, len(lock.Images))
	for _, li := range lock.Images {
		recs = append(recs, galleryRecord{Addr: li.Addr, Output: li.Output, Model: li.Model, SHA256: li.SHA256, Fingerprint: li.Fingerprint, Pick: li.Pick})
	}
	e.promptsFromSpec(recs, lock)
	return recs, "lockfile", nil
}

// promptsFromSpec fills in the prompts and references the lockfile does not
// keep, from the spec, for the images the spec would not regenerate: their
// prompt is the one that made them. A spec that does not load is no error
// here: those images show no prompt.
func (e *env) promptsFromSpec(recs []galleryRecord, lock *state.Lock) {
	sp, diags := spec.Load(e.fs, e.dir, spec.LoadOptions{Env: e.getenv})
	if diags.HasErrors() || sp == nil || checkDerives(sp).HasErrors() {
		return
	}
	p, diags := planner.Make(e.fs, sp, nil, lock, planner.Options{})
	if diags.HasErrors() || p == nil {
		return
	}
	for i := range recs {
		ch := p.Change(recs[i].Addr)
		if ch == nil || ch.Action != planner.NoOp || ch.Asset == nil {
			continue
		}
		recs[i].Prompt, recs[i].PromptKnown = shownPrompt(ch.Asset.Prompt, ch.Asset.Sensitive), true
		for _, r := range ch.Asset.Refs {
			recs[i].Refs = append(recs[i].Refs, r.Value)
		}
	}
}

// groupOf is the block address of an instance: image.hero for
// image.hero["a"] and image.row[3].
func groupOf(addr string) (group, key string) {
	if i := strings.IndexByte(addr, '['); i >= 0 {
		return addr[:i], addr[i:]
	}
	return addr, ""
}

// addrLess orders addresses by block, then count indexes as numbers and
// for_each keys as strings.
func addrLess(a, b string) bool {
	ga, ka := groupOf(a)
	gb, kb := groupOf(b)
	if ga != gb {
		return ga < gb
	}
	na, erra := strconv.Atoi(strings.Trim(ka, "[]"))
	nb, errb := strconv.Atoi(strings.Trim(kb, "[]"))
	if erra == nil && errb == nil && ka != "" && kb != "" {
		return na < nb
	}
	return ka < kb
}

// fileURL is the relative URL from the gallery directory to a file of the
// spec directory (a slash path), each segment escaped; "./" keeps a name
// with a colon from reading as a URL scheme.
func fileURL(galleryDir, specDir, rel string) string {
	target := filepath.Join(specDir, filepath.FromSlash(rel))
	r, err := filepath.Rel(galleryDir, target)
	if err != nil {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(target)}).String()
	}
	segs := strings.Split(filepath.ToSlash(r), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	u := path.Join(segs...)
	if !strings.HasPrefix(u, "../") {
		u = "./" + u
	}
	return u
}

// isURL reports whether a reference is a URL rather than a local file.
func isURL(ref string) bool {
	return strings.Contains(ref, "://") || strings.HasPrefix(ref, "data:")
}

func sortRecords(recs []galleryRecord) {
	sort.Slice(recs, func(i, j int) bool { return addrLess(recs[i].Addr, recs[j].Addr) })
}
