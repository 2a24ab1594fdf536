package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

func runAccept(e *env, args []string) int {
	args2, err := parseAccept(args)
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
		return e.errorf("%s", strings.Replace(unknownImportAddr(sp, addr), "import", "accept", 1))
	}
	store, err := e.openStore(*lockTimeout)
	if err != nil {
		return e.fail(err)
	}
	code := e.accept(store, sp, a)
	if err := store.Close(); err != nil {
		return e.errorf("%v", err)
	}
	return code
}

// accept records the file at a's output as a's image, under the state
// lock: the image must be recorded already (else it is an import), with
// no task in flight, and its fingerprint known now.
func (e *env) accept(store state.Backend, sp *spec.Spec, a *spec.Asset) int {
	st := store.State()
	lock, err := state.ReadLock(e.fs, e.dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	if st.Pending[a.Addr] != nil {
		return e.errorf("%s has a task in flight from an earlier apply: run 'pixform apply' to finish it, or 'pixform state rm %s' to forget it, then accept.", a.Addr, a.Addr)
	}
	p, diags := planner.Make(e.fs, sp, st, lock, planner.Options{Targets: []string{a.Addr}})
	e.printDiags(sp, diags)
	if diags.HasErrors() {
		return ExitError
	}
	ch := p.Change(a.Addr)
	switch {
	case ch == nil:
		return e.errorf("%s: the plan has no change for it; this is a bug in pixform, please report it", a.Addr)
	case ch.Prior == nil:
		return e.errorf("%s is not recorded yet: accept takes an image pixform made or imported. To adopt a file as its output, run 'pixform import %s %s'.", a.Addr, a.Addr, a.Output)
	case ch.Fingerprint == "":
		up := upstreamGenerated(p, a)
		return e.errorf("%s references %s, which will be regenerated: the fingerprint of %s is known only after that. Run 'pixform apply -target=%s', then accept again.",
			a.Addr, up, a.Addr, up)
	}
	name := filepath.Join(e.dir, filepath.FromSlash(a.Output))
	data, err := afero.ReadFile(e.fs, name)
	if err != nil {
		return e.errorf("accept %s: read its output %s: %v. Put the file to accept there first.", a.Addr, a.Output, err)
	}
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return e.errorf("accept %s: %s is not a whole PNG, JPEG or WebP image (%v); nothing was recorded.", a.Addr, a.Output, err)
	}
	sum := sha256.Sum256(data)
	sha := "sha256:" + hex.EncodeToString(sum[:])
	if sha == ch.Prior.SHA256 && ch.Fingerprint == ch.Prior.Fingerprint && a.Output == ch.Prior.Output {
		fmt.Fprintf(e.stdout, "%s: %s is already recorded as it is on disk (%s): nothing to accept.\n", a.Addr, a.Output, sha)
		return ExitOK
	}
	rec := planner.Record(a, ch.Inputs, ch.Fingerprint, sha)
	if prev := st.Assets[a.Addr]; prev != nil { // the task that made the first version, counted once
		rec.TaskID, rec.Consumed, rec.GeneratedAt = prev.TaskID, prev.Consumed, prev.GeneratedAt
	}
	if err := store.RecordDone(rec); err != nil {
		return e.errorf("%v", err)
	}
	fmt.Fprintf(e.stdout, "%s: accepted %s as it is on disk (%s).\n", a.Addr, a.Output, sha)
	if ch.Fingerprint != ch.Prior.Fingerprint {
		fmt.Fprintf(e.stdout, "Its inputs changed since it was recorded (%s): it is accepted for the current ones.\n", strings.Join(reasonTexts(ch), "; "))
	}
	var refs []string
	for _, b := range sp.Assets {
		for _, r := range b.Refs {
			if r.Kind == spec.RefAsset && r.Addr == a.Addr {
				refs = append(refs, b.Addr)
				break
			}
		}
	}
	fmt.Fprintln(e.stdout, "\nIt is recorded in the state and the lockfile: 'pixform plan' no longer reports it as edited.")
	if len(refs) > 0 {
		fmt.Fprintf(e.stdout, "Images that reference it (%s) have a changed reference now: plan regenerates them.\n", strings.Join(refs, ", "))
	}
	return ExitOK
}
