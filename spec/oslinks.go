package spec

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/spf13/afero"
)

// The symbolic links of outputs on the operating system's filesystem,
// resolved through a cache that lasts one Load.

// osSymlinkEscape resolves the longest existing prefix of rel on the
// operating system's filesystem and compares it with the spec directory.
// The spec directory and each parent directory are resolved once per Load
// (outputs share few directories), so an output costs at most one Lstat,
// and none once its directory has been listed.
func (l *loader) osSymlinkEscape(lst afero.Lstater, rel string) (string, bool) {
	c := l.linkCache()
	if !c.rootOK {
		return "", false
	}
	mode, exists := l.outputType(lst, rel)
	switch {
	case !exists: // its longest existing prefix is a directory's
		return l.dirEscape(lst, path.Dir(rel))
	case mode&fs.ModeSymlink != 0:
		return l.resolvedEscape(lst, rel) // a link itself: resolve it in full
	}
	// Not a link, so it resolves to where its parent does, plus its name.
	parent := path.Dir(rel)
	d := l.resolveDir(lst, parent)
	switch {
	case d.state == dirBroken:
		return firstLink(lst, l.dir, rel), true
	case d.state == dirUnknown:
		return "", false
	case d.state == dirMissing: // vanished since it was seen: resolve in full
		return l.resolvedEscape(lst, rel)
	}
	return l.escapes(lst, rel, filepath.Join(d.resolved, path.Base(rel)))
}

// listAfter is how many outputs of one directory are stated before the
// directory is listed instead.
const listAfter = 16

// outputType tells the type bits of what is at the clean relative path rel,
// or false when nothing is there. Once a directory has held listAfter
// outputs it is listed, once: a listing gives each entry's type without a
// stat. A name the listing lacks is stated all the same, since it may name
// an entry in another case or normalization.
func (l *loader) outputType(lst afero.Lstater, rel string) (fs.FileMode, bool) {
	c := l.linkCache()
	dir := path.Dir(rel)
	c.asked[dir]++
	if c.asked[dir] == listAfter {
		c.lists[dir] = listTypes(filepath.Join(l.dir, filepath.FromSlash(dir)))
	}
	if t, ok := c.lists[dir][path.Base(rel)]; ok {
		return t, true
	}
	fi, _, err := lst.LstatIfPossible(filepath.Join(l.dir, filepath.FromSlash(rel)))
	if err != nil {
		return 0, false
	}
	return fi.Mode().Type(), true
}

// listTypes returns the type bits of each entry of the directory dir, or
// nil when it cannot be listed.
func listTypes(dir string) map[string]fs.FileMode {
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	if err != nil {
		return nil
	}
	out := make(map[string]fs.FileMode, len(ents))
	for _, e := range ents {
		out[e.Name()] = e.Type()
	}
	return out
}

// dirEscape is osSymlinkEscape for the clean relative directory rel
// ("." for the spec directory itself), through the per-Load cache.
func (l *loader) dirEscape(lst afero.Lstater, rel string) (string, bool) {
	for q := rel; q != "." && q != ""; q = path.Dir(q) {
		d := l.resolveDir(lst, q)
		switch d.state {
		case dirMissing:
			continue
		case dirBroken:
			return firstLink(lst, l.dir, q), true // a dangling or looping link: refuse to write through it
		case dirUnknown:
			return "", false
		}
		return l.escapes(lst, q, d.resolved)
	}
	return "", false
}

// resolvedEscape resolves rel in full, without the cache.
func (l *loader) resolvedEscape(lst afero.Lstater, rel string) (string, bool) {
	resolved, err := filepath.EvalSymlinks(filepath.Join(l.dir, filepath.FromSlash(rel)))
	if err != nil {
		return firstLink(lst, l.dir, rel), true // a dangling or looping link: refuse to write through it
	}
	if resolved, err = filepath.Abs(resolved); err != nil {
		return "", false
	}
	return l.escapes(lst, rel, resolved)
}

// escapes tells whether rel, which resolves to the absolute path resolved,
// leads outside the spec directory, and names the link that makes it.
func (l *loader) escapes(lst afero.Lstater, rel, resolved string) (string, bool) {
	if !Within(l.links.root, resolved) {
		return firstLink(lst, l.dir, rel), true
	}
	return "", false
}

// linkCache holds what one Load learnt resolving symbolic links on the
// operating system's filesystem.
type linkCache struct {
	root   string // the spec directory, resolved and absolute
	rootOK bool   // false when it cannot be resolved: nothing is checked
	dirs   map[string]resolvedDir
	asked  map[string]int                    // outputs looked up, by directory
	lists  map[string]map[string]fs.FileMode // entry types of listed directories
}

type dirState int

const (
	dirMissing dirState = iota // nothing exists at the path
	dirBroken                  // it exists but does not resolve: a dangling or looping link
	dirUnknown                 // it resolves, but not to an absolute path: not checked
	dirOK
)

// resolvedDir is where a path below the spec directory resolves to.
type resolvedDir struct {
	state    dirState
	resolved string // absolute, when state is dirOK
}

func (l *loader) linkCache() *linkCache {
	if l.links != nil {
		return l.links
	}
	l.links = &linkCache{dirs: map[string]resolvedDir{}, asked: map[string]int{}, lists: map[string]map[string]fs.FileMode{}}
	root, err := filepath.EvalSymlinks(l.dir)
	if err == nil {
		root, err = filepath.Abs(root)
	}
	l.links.root, l.links.rootOK = root, err == nil
	return l.links
}

// resolveDir resolves the clean relative path rel, once per Load.
func (l *loader) resolveDir(lst afero.Lstater, rel string) resolvedDir {
	c := l.linkCache()
	if d, ok := c.dirs[rel]; ok {
		return d
	}
	var d resolvedDir
	p := filepath.Join(l.dir, filepath.FromSlash(rel))
	if _, _, err := lst.LstatIfPossible(p); err == nil {
		d.state = dirBroken
		if resolved, err := filepath.EvalSymlinks(p); err == nil {
			d.state = dirUnknown
			if resolved, err = filepath.Abs(resolved); err == nil {
				d = resolvedDir{state: dirOK, resolved: resolved}
			}
		}
	}
	c.dirs[rel] = d
	return d
}
