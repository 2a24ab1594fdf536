package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/state"
)

func runForceUnlock(e *env, args []string) int {
	a, err := parseForceUnlock(args)
	if err != nil {
		return e.argError(err)
	}
	id, force := a.id, &a.force
	e.workspace = a.workspace
	if code, done := e.forceUnlockPG(id, *force); done { // backend.go
		return code
	}
	if !*force {
		held, heldID := e.describeLock()
		if held == "" || (heldID != id && !(heldID == "" && id == state.CorruptLockID)) {
			_, err := state.ForceUnlock(afero.NewReadOnlyFs(e.fs), e.dir, id) // says why, before asking: not locked, or another ID
			return e.errorf("%v", err)
		}
		fmt.Fprintf(e.stdout, "The state is locked by %s.\n", held)
		fmt.Fprint(e.stdout, "\nDo you really want to release the lock?\n"+
			"  If that pixform is still running, its apply and yours may both write the state.\n"+
			"  Only 'yes' will be accepted to confirm.\n\n  Enter a value: ")
		if !e.readYes() {
			fmt.Fprintln(e.stdout, "\nforce-unlock cancelled: the lock is kept.")
			return ExitError
		}
		fmt.Fprintln(e.stdout)
	}
	held, err := state.ForceUnlock(e.fs, e.dir, id)
	if err != nil {
		return e.errorf("%v", err)
	}
	if held.ID == state.CorruptLockID {
		fmt.Fprintf(e.stdout, "Removed the corrupt state lock file %s. The state is unlocked.\n", state.LockFile)
		return ExitOK
	}
	fmt.Fprintf(e.stdout, "Released the state lock of %s. The state is unlocked.\n", held)
	return ExitOK
}

// describeLock names the holder of the state lock and its ID, or says the
// lock file is corrupt (ID ""); "" when there is no lock to describe.
func (e *env) describeLock() (string, string) {
	data, err := afero.ReadFile(e.fs, filepath.Join(e.dir, filepath.FromSlash(state.LockFile)))
	if err != nil {
		return "", "" // ForceUnlock says why
	}
	var h state.Holder
	if json.Unmarshal(data, &h) != nil || h.ID == "" {
		return "a lock file that names no holder (it is corrupt)", ""
	}
	return h.String(), h.ID
}

// readYes reads one answer from stdin; only "yes" agrees.
func (e *env) readYes() bool {
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	return strings.TrimSpace(line) == "yes"
}
