package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/pixform/pixform/backend/pg"
	"github.com/pixform/pixform/backend/pgstate"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// envWorkspace names the environment variable that chooses the workspace
// where -workspace is not given.
const envWorkspace = "PIXFORM_WORKSPACE"

// defaultWorkspace is the workspace of a spec that names none.
const defaultWorkspace = "default"

// registerWorkspace registers -workspace on the flags of a command that
// reads or writes the state; the command copies it to env.workspace.
func registerWorkspace(fs *flag.FlagSet, ws *string) {
	fs.StringVar(ws, "workspace", "", "the `NAME` of the workspace whose state to use, with the pg backend (default: $"+envWorkspace+", else \"default\")")
}

// workspaceName is the workspace of this command: -workspace, else
// PIXFORM_WORKSPACE, else "default". It checks the name.
func (e *env) workspaceName() (string, error) {
	ws := e.workspace
	if ws == "" {
		ws = e.getenv(envWorkspace)
	}
	if ws == "" {
		return defaultWorkspace, nil
	}
	if len(ws) > 90 {
		return "", fmt.Errorf("workspace %q: a name has at most 90 characters", ws)
	}
	for _, r := range ws {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "", fmt.Errorf("workspace %q: a name has letters, digits, '-', '_' and '.' only", ws)
		}
	}
	return ws, nil
}

// backendDB opens the database of the spec's pg backend, or returns nil
// for the local directory (a spec without a backend block). A workspace
// other than "default" needs the pg backend: the local directory keeps
// one state.
func (e *env) backendDB() (*pg.DB, string, error) {
	ws, err := e.workspaceName()
	if err != nil {
		return nil, "", err
	}
	be, diags := spec.ReadBackend(e.fs, e.dir)
	if diags.HasErrors() {
		return nil, "", fmt.Errorf("read the backend of the spec: %w", diags)
	}
	if be == nil {
		if ws != defaultWorkspace {
			return nil, "", fmt.Errorf("workspace %q: the local state (.pixform/) has one workspace, \"default\"; workspaces need the pg backend (pixform { backend \"pg\" {} }, see the README)", ws)
		}
		return nil, ws, nil
	}
	db, err := pg.Open(e.ctx, pg.Options{Conn: e.getenv(pg.EnvConn), Schema: be.Schema})
	if err != nil {
		return nil, "", fmt.Errorf("open the pg backend: %w", err)
	}
	return db, ws, nil
}

// loadState reads the state of this command's workspace, from the local
// directory or the pg backend (with the file-hash cache of the local
// directory, which stays on each machine).
func (e *env) loadState() (*state.State, error) {
	local, err := state.Load(e.fs, e.dir)
	if err != nil {
		return nil, err
	}
	return e.stateOf(local)
}

// stateOf is the state of this command's workspace, given the local one.
func (e *env) stateOf(local *state.State) (*state.State, error) {
	db, ws, err := e.backendDB()
	if err != nil || db == nil {
		return local, err
	}
	defer db.Close()
	st, err := pgstate.Load(e.ctx, db, ws)
	if err != nil {
		return nil, fmt.Errorf("read workspace %q of the pg backend: %w", ws, err)
	}
	st.Files = e.pgFiles(local)
	return st, nil
}

// openBackend takes the lock of this command's workspace and returns the
// state to record through: the local directory, or the pg backend's
// workspace with the committed lockfile written as the local state writes
// it. The pg backend's calls get a context that the first Ctrl-C does not
// end: ending it would drop the lock and the claims mid-record.
func (e *env) openBackend(timeout time.Duration) (state.Backend, error) {
	db, ws, err := e.backendDB()
	if err != nil {
		return nil, err
	}
	if db == nil {
		return state.Open(e.fs, e.dir, state.LockOptions{Timeout: timeout, Context: e.ctx})
	}
	local, err := state.Load(e.fs, e.dir) // the file-hash cache of this machine
	if err != nil {
		db.Close()
		return nil, err
	}
	b, err := pgstate.Open(context.WithoutCancel(e.ctx), db, ws, pg.LockOptions{Timeout: timeout}, e.pgFiles(local))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("lock workspace %q of the pg backend: %w", ws, err)
	}
	wb, err := state.WithLockfile(e.fs, e.dir, b)
	if err != nil {
		b.Close()
		db.Close()
		return nil, err
	}
	return &pgBackend{Backend: wb, db: db, e: e}, nil
}

// pgFiles is the file-hash cache for the pg backend: the local state's,
// overlaid with what applies on the pg backend kept (pgstate.FilesName).
func (e *env) pgFiles(local *state.State) map[string]state.FileHash {
	files := pgstate.LoadFiles(e.fs, e.dir)
	for k, h := range local.Files {
		if _, ok := files[k]; !ok {
			files[k] = h
		}
	}
	return files
}

// pgBackend keeps the file-hash cache on this machine and closes its
// database after the backend.
type pgBackend struct {
	state.Backend
	db    *pg.DB
	e     *env
	dirty bool // SetFiles was called (the executor calls it once, at the end)
}

func (b *pgBackend) SetFiles(files map[string]state.FileHash) error {
	if err := b.Backend.SetFiles(files); err != nil {
		return err
	}
	b.dirty = true
	return nil
}

func (b *pgBackend) Close() error {
	if b.dirty { // a cache: failing to keep it costs the next plan time, nothing else
		if err := pgstate.SaveFiles(b.e.fs, b.e.dir, b.Backend.State().Files); err != nil {
			fmt.Fprintf(b.e.stderr, "Warning: %v; the next plan hashes the outputs again.\n", err)
		}
	}
	err := b.Backend.Close()
	b.db.Close()
	return err
}

// forceUnlockPG is force-unlock with the pg backend: it names the holder
// of the workspace's lock, asks (unless force), and ends the holder's
// session on the server, which releases its lock and claims. done is
// false for the local directory.
func (e *env) forceUnlockPG(id string, force bool) (code int, done bool) {
	db, ws, err := e.backendDB()
	if err != nil {
		return e.errorf("%v", err), true
	}
	if db == nil {
		return 0, false
	}
	defer db.Close()
	h, err := db.Holder(e.ctx, ws)
	if err != nil {
		return e.errorf("%v", err), true
	}
	if h == nil {
		return e.errorf("workspace %q of the pg backend is not locked: there is nothing to release.", ws), true
	}
	if h.ID != id {
		return e.errorf("workspace %q of the pg backend is locked by %s, whose lock ID is not %q: nothing was released. Check the ID in the error that named the holder.", ws, h, id), true
	}
	if !force {
		fmt.Fprintf(e.stdout, "Workspace %q is locked by %s.\n", ws, h)
		fmt.Fprint(e.stdout, "\nDo you really want to release the lock?\n"+
			"  Its pixform's connection is ended: its apply stops writing, and yours may begin.\n"+
			"  Only 'yes' will be accepted to confirm.\n\n  Enter a value: ")
		if !e.readYes() {
			fmt.Fprintln(e.stdout, "\nforce-unlock cancelled: the lock is kept.")
			return ExitError, true
		}
		fmt.Fprintln(e.stdout)
	}
	held, err := db.ForceUnlock(e.ctx, ws, id)
	if err != nil {
		return e.errorf("%v", err), true
	}
	fmt.Fprintf(e.stdout, "Released the lock of workspace %q held by %s.\n", ws, held)
	return ExitOK, true
}
