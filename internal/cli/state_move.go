package cli

import (
	"fmt"
	"reflect"
	"sort"
	"time"

	"github.com/pixform/pixform/state"
)

// runStatePush copies the local state (.pixform/) into the workspace of
// the pg backend; runStatePull copies the other way. Both are idempotent
// and lose nothing: a record the destination holds newer, or a task in
// flight it holds with another task id, is kept there and named.
func runStatePush(e *env, args []string) int { return e.stateCopy("push", args) }

func runStatePull(e *env, args []string) int { return e.stateCopy("pull", args) }

func (e *env) stateCopy(dir string, args []string) int {
	a, err := parseStateCopy(dir, args)
	if err != nil {
		return e.argError(err)
	}
	e.workspace = a.workspace
	lockTimeout := &a.lockTimeout
	db, ws, err := e.backendDB()
	if err != nil {
		return e.errorf("%v", err)
	}
	if db == nil {
		return e.errorf("state %s: the spec names no pg backend, so the state is the local one already; add pixform { backend \"pg\" { } } first (see the README).", dir)
	}
	db.Close()
	local, err := state.Open(e.fs, e.dir, state.LockOptions{Timeout: *lockTimeout, Context: e.ctx})
	if err != nil {
		return e.errorf("%v", err)
	}
	defer e.closeStore(local)
	remote, err := e.openBackend(*lockTimeout)
	if err != nil {
		return e.errorf("%v", err)
	}
	defer e.closeStore(remote)
	src, dst := state.Backend(local), remote
	if dir == "pull" {
		src, dst = remote, local
	}
	res, err := copyState(src.State(), dst)
	if err != nil {
		return e.errorf("state %s: %v; what was copied before stays, and running it again copies the rest", dir, err)
	}
	for _, k := range res.kept {
		fmt.Fprintf(e.stdout, "Kept %s\n", k)
	}
	where := map[string]string{"push": fmt.Sprintf("workspace %q of the pg backend", ws), "pull": "the local state (.pixform/)"}[dir]
	fmt.Fprintf(e.stdout, "Copied %d record(s) and %d task(s) in flight to %s; %d already there, %d kept as they were.\n",
		res.records, res.tasks, where, res.same, len(res.kept))
	return ExitOK
}

type copyResult struct {
	records, tasks, same int
	kept                 []string // what the destination holds that the source would have overwritten
}

// copyState records into dst what src holds that dst lacks: records dst
// has not, or holds older; tasks in flight dst has not, or holds without
// a task id. A call that changes nothing is not made, so copying twice
// copies nothing the second time.
func copyState(src *state.State, dst state.Backend) (copyResult, error) {
	var r copyResult
	have := dst.State()
	for _, addr := range keysOf(src.Assets) {
		a, d := src.Assets[addr], have.Assets[addr]
		switch {
		case d != nil && sameAsset(*a, *d):
			r.same++
			continue
		case d != nil && d.GeneratedAt.After(a.GeneratedAt):
			r.kept = append(r.kept, fmt.Sprintf("%s: the destination's record is newer (generated %s, sha256 %s)", addr, d.GeneratedAt.Format(time.RFC3339), d.SHA256))
			continue
		}
		if err := dst.RecordDone(*a); err != nil {
			return r, err
		}
		r.records++
	}
	for _, addr := range keysOf(src.Pending) {
		p, d := src.Pending[addr], have.Pending[addr]
		switch {
		case d != nil && d.TaskID == p.TaskID:
			r.same++
			continue
		case d != nil && d.TaskID != "":
			r.kept = append(r.kept, fmt.Sprintf("%s: the destination has task %s in flight; the source's task %q is not copied (resume it with apply -resume-task=%s=ID if it is wanted)", addr, d.TaskID, p.TaskID, addr))
			continue
		}
		if err := copyPending(*p, dst); err != nil {
			return r, err
		}
		r.tasks++
	}
	return r, nil
}

func copyPending(p state.Pending, dst state.Backend) error {
	if err := dst.RecordIntent(p); err != nil {
		return err
	}
	if p.TaskID != "" {
		if err := dst.RecordSubmitted(p.Addr, p.TaskID, p.SubmittedAt); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		on     bool
		record func(string) error
	}{{p.Unsent, dst.RecordUnsent}, {p.Counted, dst.RecordCounted}} {
		if f.on {
			if err := f.record(p.Addr); err != nil {
				return err
			}
		}
	}
	return nil // Ambiguous travels with the intent
}

// sameAsset compares two records as PostgreSQL keeps them: times to the
// microsecond, empty and absent lists alike.
func sameAsset(a, b state.Asset) bool {
	norm := func(x state.Asset) state.Asset {
		x.GeneratedAt = x.GeneratedAt.UTC().Truncate(time.Microsecond)
		if len(x.Inputs) == 0 {
			x.Inputs = nil
		}
		if len(x.Refs) == 0 {
			x.Refs = nil
		}
		if len(x.Ignored) == 0 {
			x.Ignored = nil
		}
		return x
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func keysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
