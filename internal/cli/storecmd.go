package cli

import (
	"fmt"
	"sort"
	"time"

	"github.com/pixform/pixform/state"
	"github.com/pixform/pixform/store"
)

func runHistory(e *env, args []string) int {
	ha, err := parseHistory(args)
	if err != nil {
		return e.argError(err)
	}
	addr := ha.addr
	st, lock, err := state.LoadWithLock(e.fs, e.dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	rec, _ := recordOf(st, lock, addr)
	s := e.imageStore()
	gens, err := s.Generations(e.ctx, store.Query{Addr: addr})
	if err != nil {
		return e.errorf("%v", err)
	}
	if len(gens) == 0 {
		fmt.Fprintf(e.stdout, "The store holds no generation made for %s.\n", addr)
		return ExitOK
	}
	fmt.Fprintf(e.stdout, "Generations of %s, newest first:\n", addr)
	for i := len(gens) - 1; i >= 0; i-- {
		g := gens[i]
		mark := ""
		if rec != nil && g.SHA256 == rec.SHA256 {
			mark = "  (current)"
			if g.SHA256 == rec.Pick {
				mark = "  (current, picked)"
			}
		}
		if ok, err := s.Has(e.ctx, g.SHA256); err == nil && !ok {
			mark += "  (blob collected)"
		}
		task := g.TaskID
		if task == "" {
			task = "-"
		}
		fmt.Fprintf(e.stdout, "  %s  %s  %s credits  %s  task %s  fingerprint %s%s\n",
			g.Created.UTC().Format("2006-01-02 15:04 UTC"), shortSum(g.SHA256), credits(g.Credits), g.Model, task, shortSum(g.Fingerprint), mark)
	}
	return ExitOK
}

func runStore(e *env, args []string) int {
	if len(args) == 0 {
		return e.errorf("store takes a subcommand: 'pixform store ls' lists the blobs, 'pixform store gc [-older-than=D]' removes those nothing references.")
	}
	switch args[0] {
	case "ls":
		return runStoreLs(e, args[1:])
	case "gc":
		return runStoreGC(e, args[1:])
	}
	return e.errorf("store %s: unknown subcommand; use 'store ls' or 'store gc'.", args[0])
}

// referenced returns the digests the state and the lockfile reference: the
// images and the picks, and (so that gc never makes plan pay for them
// again) every candidate of an image with candidates awaiting a pick.
func (e *env) referenced(s store.Store, st *state.State, lock *state.Lock) (map[string]bool, error) {
	keep := map[string]bool{}
	unpicked := map[string]bool{} // fingerprints
	add := func(sum, pick, fp string) {
		keep[sum] = true
		if pick != "" {
			keep[pick] = true
		} else {
			unpicked[fp] = true
		}
	}
	for _, a := range st.Assets {
		add(a.SHA256, a.Pick, a.Fingerprint)
	}
	if lock != nil {
		for _, li := range lock.Images {
			add(li.SHA256, li.Pick, li.Fingerprint)
		}
	}
	gens, err := s.Generations(e.ctx, store.Query{})
	if err != nil {
		return nil, err
	}
	for _, g := range gens {
		if unpicked[g.Fingerprint] {
			keep[g.SHA256] = true
		}
	}
	return keep, nil
}

func runStoreLs(e *env, args []string) int {
	if _, err := parseStoreLs(args); err != nil {
		return e.argError(err)
	}
	s := e.imageStore()
	st, lock, err := state.LoadWithLock(e.fs, e.dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	keep, err := e.referenced(s, st, lock)
	if err != nil {
		return e.errorf("%v", err)
	}
	blobs, err := s.Blobs(e.ctx)
	if err != nil {
		return e.errorf("%v", err)
	}
	gens, err := s.Generations(e.ctx, store.Query{})
	if err != nil {
		return e.errorf("%v", err)
	}
	addrs := map[string]string{}
	for _, g := range gens {
		addrs[g.SHA256] = g.Addr
	}
	sort.Slice(blobs, func(i, j int) bool { return blobs[i].ModTime.After(blobs[j].ModTime) })
	var total, unused int64
	for _, b := range blobs {
		total += b.Size
		mark := "in use"
		if !keep[b.SHA256] {
			mark, unused = "unreferenced", unused+b.Size
		}
		fmt.Fprintf(e.stdout, "  %s  %9d bytes  %s  %-12s  %s\n", shortSum(b.SHA256), b.Size, b.ModTime.UTC().Format("2006-01-02 15:04 UTC"), mark, orDash(addrs[b.SHA256]))
	}
	fmt.Fprintf(e.stdout, "%d blob(s), %d bytes, in %s; %d bytes unreferenced ('pixform store gc' removes them).\n", len(blobs), total, s.Root(), unused)
	return ExitOK
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runStoreGC(e *env, args []string) int {
	ga, err := parseStoreGC(args)
	if err != nil {
		return e.argError(err)
	}
	olderThan, lockTimeout := &ga.olderThan, &ga.lockTimeout
	if v := e.getenv(store.EnvVar); v != "" && *olderThan == 0 {
		return e.errorf("%s=%s: that store may be shared by several specs, and this one's state and lockfile know only its own images, so gc would remove the others'. "+
			"Give -older-than=D to remove only blobs unused for that long (e.g. -older-than=720h), or unset %s.", store.EnvVar, v, store.EnvVar)
	}
	sst, err := state.Open(e.fs, e.dir, state.LockOptions{Timeout: *lockTimeout, Context: e.ctx}) // no apply puts a blob it has not recorded yet
	if err != nil {
		return e.errorf("%v", err)
	}
	code := e.gc(sst, *olderThan)
	if err := sst.Close(); err != nil {
		return e.errorf("%v", err)
	}
	return code
}

func (e *env) gc(sst *state.Store, olderThan time.Duration) int {
	lock, err := state.ReadLock(e.fs, e.dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	s := e.imageStore()
	keep, err := e.referenced(s, sst.State(), lock)
	if err != nil {
		return e.errorf("%v", err)
	}
	res, err := s.GC(e.ctx, keep, store.GCOptions{OlderThan: olderThan})
	if err != nil {
		return e.errorf("%v", err)
	}
	fmt.Fprintf(e.stdout, "Removed %d blob(s) and %d stray file(s), freeing %d bytes; %d blob(s) kept.\n", res.Removed, res.Litter, res.Freed, res.Kept)
	return ExitOK
}
