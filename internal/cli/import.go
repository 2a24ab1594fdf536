package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // import takes JPEG
	_ "image/png"  // and PNG
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"
	_ "golang.org/x/image/webp" // and WebP

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

func runImport(e *env, args []string) int {
	args2, err := parseImport(args)
	if err != nil {
		return e.argError(err)
	}
	addr, vf, lockTimeout := args2.addr, args2.vars, &args2.lockTimeout
	e.workspace = args2.workspace
	sp, err := e.loadSpec(vf)
	if err != nil {
		return e.fail(err)
	}
	a := sp.Asset(addr)
	if a == nil {
		return e.errorf("%s", unknownImportAddr(sp, addr))
	}
	name := args2.file
	src := name
	if !filepath.IsAbs(src) {
		src = filepath.Join(e.dir, src)
	}
	data, err := afero.ReadFile(e.fs, src)
	if err != nil {
		return e.errorf("import %s: %v. The path is relative to the spec directory %s.", name, err, e.dir)
	}
	_, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return e.errorf("import %s: it is not a whole PNG, JPEG or WebP image (%v). Import an image file.", name, err)
	}
	if want := planner.OutputFormat(a.Output); format != want { // an output holds the format its extension names
		return e.errorf("import %s: it is a %s image, but the output %s of %s names %s. Convert the file to %s, or change the output's extension to match, then import again.",
			name, strings.ToUpper(format), a.Output, a.Addr, strings.ToUpper(want), strings.ToUpper(want))
	}
	store, err := e.openBackend(*lockTimeout) // backend.go: local or pg
	if err != nil {
		return e.errorf("%v", err)
	}
	code := e.importFile(store, sp, a, src, name, data, format)
	if err := store.Close(); err != nil {
		return e.errorf("%v", err)
	}
	return code
}

// unknownImportAddr explains an address that names no image of the spec.
func unknownImportAddr(sp *spec.Spec, addr string) string {
	var insts []string
	for _, a := range sp.Assets {
		if spec.Instance(addr, a.Addr) {
			insts = append(insts, a.Addr)
		}
	}
	if len(insts) > 0 {
		return fmt.Sprintf("%s has %d instances; import one file per instance, like: pixform import '%s' FILE", addr, len(insts), insts[0])
	}
	return fmt.Sprintf("%s is not an image of the spec: import adopts a file as the output of an image block the spec declares. Add the block first, or check the address ('pixform graph' lists them)", addr)
}

// importFile plans the asset to learn its fingerprint, puts the file at the
// asset's output and records it as done, with no task.
func (e *env) importFile(store state.Backend, sp *spec.Spec, a *spec.Asset, src, name string, data []byte, format string) int {
	st := store.State()
	lock, err := state.ReadLock(e.fs, e.dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	if prior := st.Assets[a.Addr]; prior != nil {
		return e.errorf("%s is already in the state, with output %s: to adopt another file, run 'pixform state rm %s' first.", a.Addr, prior.Output, a.Addr)
	}
	if lock != nil {
		for _, li := range lock.Images {
			if li.Addr == a.Addr {
				return e.errorf("%s is already in the lockfile, with output %s: to adopt another file, run 'pixform state rm %s' first.", a.Addr, li.Output, a.Addr)
			}
		}
	}
	if st.Pending[a.Addr] != nil {
		return e.errorf("%s has a task in flight from an earlier apply: run 'pixform apply' to finish it, or 'pixform state rm %s' to forget it, then import.", a.Addr, a.Addr)
	}
	p, diags := planner.Make(e.fs, sp, st, lock, planner.Options{Targets: []string{a.Addr}})
	e.printDiags(sp, diags)
	if diags.HasErrors() {
		return ExitError
	}
	ch := p.Change(a.Addr)
	if ch == nil {
		return e.errorf("%s: the plan has no change for it; this is a bug in pixform, please report it", a.Addr)
	}
	if ch.Fingerprint == "" {
		up := upstreamGenerated(p, a)
		return e.errorf("%s references %s, which must be generated first: the fingerprint of %s is known only after that. Run 'pixform apply -target=%s', then import again.",
			a.Addr, up, a.Addr, up)
	}
	sum := sha256.Sum256(data)
	sha := "sha256:" + hex.EncodeToString(sum[:])
	dst := filepath.Join(e.dir, filepath.FromSlash(a.Output))
	if !e.sameFile(src, dst) {
		if cur, err := planner.HashFile(e.fs, dst); err == nil && cur != sha {
			return e.errorf("a different file is already at %s, the output of %s: move it away, or adopt it with 'pixform import %s %s'.",
				a.Output, a.Addr, a.Addr, a.Output)
		}
		if err := state.WriteFileAtomic(e.fs, dst, data); err != nil {
			return e.errorf("import %s: write %s: %v", a.Addr, a.Output, err)
		}
	}
	if err := store.RecordDone(planner.Record(a, ch.Inputs, ch.Fingerprint, sha)); err != nil {
		return e.errorf("%v", err)
	}
	fmt.Fprintf(e.stdout, "%s: imported %s as %s (%s, %s).\n\nIt is recorded in the state and the lockfile: 'pixform plan' shows no changes for it until its inputs change.\n",
		a.Addr, name, a.Output, strings.ToUpper(format), sha)
	return ExitOK
}

// upstreamGenerated names the image a references that the plan generates.
func upstreamGenerated(p *planner.Plan, a *spec.Asset) string {
	for _, r := range a.Refs {
		if ch := p.Change(r.Addr); r.Kind == spec.RefAsset && ch != nil && ch.Action.Generates() {
			return r.Addr
		}
	}
	return "an image it references"
}

// sameFile reports whether two paths name one file.
func (e *env) sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := e.fs.Stat(a)
	fb, errB := e.fs.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
