package spec

import (
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/afero"
)

// outputExts are the extensions an output may have: the formats pixform
// writes (it converts a result that came in another). Not .webp: the
// service sends PNG, and the standard library cannot encode WebP.
var outputExts = []string{".png", ".jpg", ".jpeg"}

// pathProblem is what is wrong with a path written in the spec.
type pathProblem int

const (
	pathOK pathProblem = iota
	pathEmpty
	pathAbsolute
	pathOutside
	pathBackslash
	pathControl // a control character (a newline, a tab...) or bytes that are not UTF-8
	pathLink    // a symbolic link along it leads outside (confine)
)

// cleanRel cleans a slash path relative to the spec directory.
func cleanRel(s string) (string, pathProblem) {
	switch {
	case strings.TrimSpace(s) == "":
		return "", pathEmpty
	case strings.Contains(s, `\`):
		return "", pathBackslash
	case hasControl(s):
		return "", pathControl
	case path.IsAbs(s) || filepath.IsAbs(s) || hasVolume(s):
		return "", pathAbsolute
	}
	c := path.Clean(s)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", pathOutside
	}
	if c == "." {
		return "", pathEmpty
	}
	return c, pathOK
}

// hasControl tells whether s holds a control character or is not UTF-8.
func hasControl(s string) bool {
	return !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0
}

// hasVolume tells whether s starts with a Windows drive letter, like C:.
func hasVolume(s string) bool {
	return len(s) >= 2 && s[1] == ':' && (s[0]|0x20 >= 'a' && s[0]|0x20 <= 'z')
}

// checkOutput validates an output path and returns it clean.
func (l *loader) checkOutput(attr *hcl.Attribute, s string) (string, bool) {
	c, ok := l.checkOutputPath(attr, s)
	if ok && !slices.Contains(outputExts, strings.ToLower(path.Ext(c))) {
		l.errorf(attr.Expr.Range().Ptr(), "Unsupported output format",
			"The output %q must end in .png, .jpg or .jpeg: pixform writes each output in the format its extension names, converting the service's result if needed, and can write PNG and JPEG (not WebP).", s)
		return "", false
	}
	return c, ok
}

// checkOutputPath is checkOutput without the extension: where the file
// goes, whatever its format.
func (l *loader) checkOutputPath(attr *hcl.Attribute, s string) (string, bool) {
	rng := attr.Expr.Range().Ptr()
	c, problem, link := l.confine(s)
	switch problem {
	case pathEmpty:
		l.errorf(rng, "Empty output path", "The output path is empty. Give the file to write, relative to the spec directory, like \"images/logo.png\".")
	case pathBackslash:
		l.errorf(rng, "Backslash in output path", "The output %q contains a backslash. Separate directories with /, so that the spec works on every system.", s)
	case pathAbsolute:
		l.errorf(rng, "Absolute output path",
			"The output %q is an absolute path, but outputs must stay inside the spec directory. Write it relative to that directory, like \"images/logo.png\".", s)
	case pathOutside:
		l.errorf(rng, "Output outside the spec directory",
			"The output %q leaves the spec directory through \"..\", but outputs must stay inside it. Write a path within the spec directory.", s)
	case pathControl:
		l.errorf(rng, "Control character in output path",
			"The output %q contains a control character (such as a newline or a tab) or bytes that are not UTF-8. Name the file with printable characters only.", s)
	case pathLink:
		l.errorf(rng, "Output outside the spec directory",
			"The output %q goes through the symbolic link %q, which leads outside the spec directory. Outputs must stay inside it: write the image elsewhere, or replace the link with a directory.", s, link)
	}
	if problem != pathOK {
		return "", false
	}
	if first, _, _ := strings.Cut(c, "/"); first == ".pixform" {
		l.errorf(rng, "Reserved output path", "The directory .pixform holds pixform's own state; write the image somewhere else.")
		return "", false
	}
	return c, true
}

// symlinkEscape tells whether an existing symbolic link along the clean
// relative path rel leads outside the spec directory, and names it.
func (l *loader) symlinkEscape(rel string) (string, bool) {
	lst, ok := l.fs.(afero.Lstater)
	if !ok {
		return "", false
	}
	if isOsFs(l.fs) { // the recording filesystem of reuse.go included
		return l.osSymlinkEscape(lst, rel)
	}
	reader, _ := l.fs.(afero.LinkReader)
	parts := strings.Split(rel, "/")
	cur := "" // resolved path so far, relative to the spec directory
	for hops := 0; len(parts) > 0; {
		part := parts[0]
		parts = parts[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			if cur == "" {
				return rel, true
			}
			if cur = path.Dir(cur); cur == "." {
				cur = ""
			}
			continue
		}
		next := path.Join(cur, part)
		fi, _, err := lst.LstatIfPossible(filepath.Join(l.dir, filepath.FromSlash(next)))
		if err != nil {
			return "", false // nothing further exists, so nothing further is a link
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if reader == nil {
			return "", false
		}
		target, err := reader.ReadlinkIfPossible(filepath.Join(l.dir, filepath.FromSlash(next)))
		hops++
		if err != nil || hops > 40 || path.IsAbs(filepath.ToSlash(target)) || filepath.IsAbs(target) {
			return next, true
		}
		parts = append(strings.Split(filepath.ToSlash(target), "/"), parts...)
	}
	return "", false
}

// firstLink names the first symbolic link along rel (the one to replace
// with a directory), or rel itself when it finds none.
func firstLink(lst afero.Lstater, dir, rel string) string {
	parts := strings.Split(rel, "/")
	for i := range parts {
		q := strings.Join(parts[:i+1], "/")
		if fi, _, err := lst.LstatIfPossible(filepath.Join(dir, filepath.FromSlash(q))); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return q
		}
	}
	return rel
}
