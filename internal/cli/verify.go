package cli

import (
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // outputs may be JPEG
	_ "image/png"
	iofs "io/fs"
	"path"
	"path/filepath"
	"strings"

	_ "golang.org/x/image/webp" // outputs may be WebP

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/state"
)

// mismatch is one output that does not match the lockfile.
type mismatch struct {
	Addr    string `json:"addr"`
	Output  string `json:"output"`
	Problem string `json:"problem"` // "missing", "edited", "not_an_image", "unsafe_path", "unreadable", "check_failed"
	Detail  string `json:"detail"`
}

// verifyAdvice says what to do about m: apply keeps a file edited by hand,
// so only -replace regenerates it.
func verifyAdvice(m mismatch) string {
	switch m.Problem {
	case "missing":
		return ": run 'pixform apply' to generate it again, or restore it from version control"
	case "edited", "not_an_image":
		cmd := "'pixform apply -replace=" + m.Addr + "'"
		if strings.ContainsAny(m.Addr, "[\"") {
			cmd = "pixform apply -replace='" + m.Addr + "'" // as typed in a shell
		}
		return ": run " + cmd + " to regenerate it, or restore it from version control"
	case "unreadable":
		return ": make it readable, or restore it from version control"
	}
	return "" // unsafe_path: the detail says what to do
}

func runVerify(e *env, args []string) int {
	a, err := parseVerify(args)
	if err != nil {
		return e.argError(err)
	}
	v := verifyView(e.useView(a.json))
	lockPath := filepath.Join(e.dir, state.LockfileName)
	if _, err := e.fs.Stat(lockPath); errors.Is(err, iofs.ErrNotExist) {
		return nothingToVerify(v, fmt.Sprintf("there is no %s in %s, so no image is recorded yet. Run 'pixform apply' to generate the images and write it, then commit it.", state.LockfileName, e.dir))
	}
	lock, err := state.ReadLock(e.fs, e.dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	if len(lock.Images) == 0 {
		return nothingToVerify(v, fmt.Sprintf("%s lists no images.", state.LockfileName))
	}
	var bad []mismatch
	for _, img := range lock.Images {
		bad = append(bad, e.verifyImage(img)...)
	}
	bad = append(bad, e.verifyChecks(lock, bad)...)
	v.Verified(len(lock.Images), bad)
	if len(bad) > 0 {
		return ExitError
	}
	return ExitOK
}

func nothingToVerify(v verifyView, why string) int {
	v.NothingToVerify("Nothing to verify: " + why)
	return ExitOK
}

func verifyLine(images int, bad []mismatch) string {
	if len(bad) == 0 {
		return fmt.Sprintf("Verified: all %d image(s) match %s.", images, state.LockfileName)
	}
	addrs := map[string]bool{}
	for _, m := range bad {
		addrs[m.Addr] = true
	}
	return fmt.Sprintf("Verification failed: %d of %d image(s) do not match %s.", len(addrs), images, state.LockfileName)
}

// verifyImage checks one output: it exists, has the recorded sha256, and
// decodes as a PNG, JPEG or WebP. It returns every problem found.
func (e *env) verifyImage(img state.LockImage) []mismatch {
	m := func(problem, format string, args ...any) mismatch {
		return mismatch{Addr: img.Addr, Output: img.Output, Problem: problem, Detail: fmt.Sprintf(format, args...)}
	}
	clean := path.Clean(img.Output)
	if img.Output == "" || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || filepath.IsAbs(filepath.FromSlash(clean)) {
		return []mismatch{m("unsafe_path", "the lockfile names an output outside the spec directory; fix or remove its entry")}
	}
	name := filepath.Join(e.dir, filepath.FromSlash(clean))
	fi, err := e.fs.Stat(name)
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		return []mismatch{m("missing", "the file is missing")}
	case err != nil:
		return []mismatch{m("unreadable", "the file cannot be read (%v)", err)}
	case fi.IsDir():
		return []mismatch{m("missing", "a directory is where the image should be")}
	}
	var out []mismatch
	sum, err := planner.HashFile(e.fs, name)
	if err != nil {
		return []mismatch{m("unreadable", "the file cannot be read (%v)", err)}
	}
	if sum != img.SHA256 {
		out = append(out, m("edited", "the file was changed: its sha256 is %s, the lockfile records %s", short12(sum), short12(img.SHA256)))
	}
	f, err := e.fs.Open(name)
	if err != nil {
		return append(out, m("unreadable", "the file cannot be read (%v)", err))
	}
	defer f.Close()
	if _, _, err := image.DecodeConfig(f); err != nil {
		out = append(out, m("not_an_image", "the file is not a PNG, JPEG or WebP image (%v)", err))
	}
	return out
}

// short12 shortens "sha256:0123456789abcdef..." to its first 12 digits.
func short12(sum string) string {
	hex := strings.TrimPrefix(sum, "sha256:")
	if len(hex) > 12 {
		return hex[:12] + "…"
	}
	return hex
}
