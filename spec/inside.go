package spec

import (
	"path/filepath"
	"strings"
)

// SafeRel reports whether rel is a clean slash path inside the spec
// directory, as the spec would write it: not empty, not absolute, no
// backslash, no control character, no "..". Paths read from a lockfile,
// a state or a saved plan are held to it before pixform touches them.
func SafeRel(rel string) bool {
	c, problem := cleanRel(rel)
	return problem == pathOK && c == rel
}

// Within reports whether the resolved path p is root or below it: the
// check, after symbolic links are resolved, that a path stays inside the
// spec directory.
func Within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Instance reports whether addr is pattern or an instance of the block
// pattern names (image.hero matches image.hero["knight"]): how -target,
// the state commands and block-level moved blocks select addresses.
func Instance(pattern, addr string) bool {
	return pattern == addr || strings.HasPrefix(addr, pattern+"[")
}
