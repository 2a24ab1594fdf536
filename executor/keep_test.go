package executor_test

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider/offline"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
	"github.com/pixform/pixform/store"
)

// TestApplyKeepsEveryImage: every image apply downloads is in the store,
// with its generation (fingerprint, task id, credits, model, provider,
// address), and a second generation of the same bytes writes no second
// copy.
func TestApplyKeepsEveryImage(t *testing.T) {
	t.Parallel()
	w := newMemWorld(t)
	srv, prov := newFake(t, fakeapi.Options{})
	imgs := store.NewLocal(w.fs, w.dir+"/.pixform/store")
	logo := img(prov.Kind(), "logo", "A banana-shaped rocket logo")
	sum, _ := w.apply(context.Background(), w.plan([]*spec.Asset{logo}), prov, executor.Options{Images: imgs})
	if sum.Generated != 1 {
		t.Fatalf("generated %d, want 1: %v", sum.Generated, failures(sum))
	}
	out := w.landed(logo)
	gens, err := imgs.Generations(t.Context(), store.Query{Addr: logo.Addr})
	if err != nil {
		t.Fatal(err)
	}
	rec := readState(t, w).Assets[logo.Addr]
	if len(gens) != 1 {
		t.Fatalf("got %d generations, want 1", len(gens))
	}
	g := gens[0]
	if g.SHA256 != sha(out) || g.Fingerprint != rec.Fingerprint || g.TaskID == "" || g.TaskID != rec.TaskID ||
		g.Model != logo.Model || g.Provider != prov.Kind() || g.Credits != rec.Consumed || g.Created.IsZero() {
		t.Fatalf("generation %+v does not match the image recorded %+v", g, rec)
	}
	if srv.SubmitCount(logo.Prompt) != 1 {
		t.Fatalf("submitted %d times", srv.SubmitCount(logo.Prompt))
	}

	// -replace of a deterministic image makes the same bytes again: the
	// store keeps one blob and one generation of them.
	w.reopen()
	off := offline.New()
	icon := img(off.Kind(), "icon", "An icon")
	w.apply(context.Background(), w.plan([]*spec.Asset{logo, icon}), off, executor.Options{Images: imgs})
	w.reopen()
	p := w.plan([]*spec.Asset{icon})
	p.Changes[0].Action = planner.Replace // as -replace plans it
	w.apply(context.Background(), p, off, executor.Options{Images: imgs})
	blobs, err := imgs.Blobs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	all, _ := imgs.Generations(t.Context(), store.Query{})
	if len(blobs) != 2 || len(all) != 2 {
		t.Fatalf("store holds %d blobs and %d generations after generating the same icon twice, want 2 and 2", len(blobs), len(all))
	}
}

// TestApplyStoreFullKeepsTaskID: a store that cannot take the image fails
// that image, writes no output, and keeps the task id; the next apply
// downloads it without submitting again.
func TestApplyStoreFullKeepsTaskID(t *testing.T) {
	t.Parallel()
	w := newMemWorld(t)
	srv, prov := newFake(t, fakeapi.Options{})
	dir := w.dir + "/.pixform/store"
	logo := img(prov.Kind(), "logo", "A banana-shaped rocket logo")
	hero := img(prov.Kind(), "hero", "A knight")
	full := store.NewLocal(&noSpaceFs{Fs: w.fs}, dir)
	sum, _ := w.apply(context.Background(), w.plan([]*spec.Asset{logo, hero}), prov, executor.Options{Images: full})
	if sum.Failed != 2 {
		t.Fatalf("failed %d, want 2: %v", sum.Failed, failures(sum))
	}
	msg := failures(sum)[logo.Addr]
	for _, want := range []string{"no space left", "free some space", "without paying again"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure %q does not say %q", msg, want)
		}
	}
	if w.exists(logo.Output) {
		t.Fatal("the output was written although the store could not keep it")
	}
	st := readState(t, w)
	if p := st.Pending[logo.Addr]; p == nil || p.TaskID == "" {
		t.Fatalf("pending of %s after a full store: %+v, want its task id kept", logo.Addr, p)
	}
	w.reopen()
	imgs := store.NewLocal(w.fs, dir)
	sum, _ = w.apply(context.Background(), w.plan([]*spec.Asset{logo, hero}), prov, executor.Options{Images: imgs})
	if sum.Generated != 2 {
		t.Fatalf("generated %d on the second apply, want 2: %v", sum.Generated, failures(sum))
	}
	if n := len(srv.Submissions()); n != 2 {
		t.Fatalf("%d submissions in all, want 2: the second apply must resume the tasks, not pay again", n)
	}
	if ok, _ := imgs.Has(t.Context(), sha(w.landed(logo))); !ok {
		t.Fatal("the image is not in the store after the second apply")
	}
}

// noSpaceFs is a device with no room: every write fails with ENOSPC.
type noSpaceFs struct{ afero.Fs }

func (f *noSpaceFs) Create(name string) (afero.File, error) {
	return f.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

func (f *noSpaceFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil || flag&(os.O_WRONLY|os.O_RDWR) == 0 {
		return file, err
	}
	return noSpaceFile{file}, nil
}

type noSpaceFile struct{ afero.File }

func (f noSpaceFile) Write(p []byte) (int, error) {
	return 0, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

// TestRestoreCorruptGeneratesInstead: a restore whose stored copy no
// longer matches its sha256 is reported, never copied into the output,
// and the image is generated instead.
func TestRestoreCorruptGeneratesInstead(t *testing.T) {
	t.Parallel()
	w := newMemWorld(t)
	srv, prov := newFake(t, fakeapi.Options{})
	dir := w.dir + "/.pixform/store"
	imgs := store.NewLocal(w.fs, dir)
	logo := img(prov.Kind(), "logo", "A banana-shaped rocket logo")
	w.apply(context.Background(), w.plan([]*spec.Asset{logo}), prov, executor.Options{Images: imgs})
	first := w.landed(logo)
	w.reopen()
	if err := w.fs.Remove(w.path(logo.Output)); err != nil {
		t.Fatal(err)
	}
	gens := func(fp string) []planner.Generation {
		gs, _ := imgs.Generations(t.Context(), store.Query{Fingerprint: fp})
		var out []planner.Generation
		for _, g := range gs {
			out = append(out, planner.Generation{SHA256: g.SHA256, TaskID: g.TaskID, Created: g.Created})
		}
		return out
	}
	lock, err := state.ReadLock(w.fs, w.dir)
	if err != nil {
		t.Fatal(err)
	}
	p, diags := planner.Make(w.fs, &spec.Spec{Dir: w.dir, Assets: []*spec.Asset{logo}}, w.store.State(), lock, planner.Options{Generations: gens})
	if diags.HasErrors() || p.Changes[0].Action != planner.Restore {
		t.Fatalf("plan: %v, action %v, want a restore", diags, p.Changes[0].Action)
	}
	h := strings.TrimPrefix(sha(first), "sha256:")
	blob := dir + "/blobs/" + h[:2] + "/" + h
	if err := afero.WriteFile(w.fs, blob, append([]byte(nil), first[:len(first)-1]...), 0o444); err != nil {
		t.Fatal(err)
	}
	sum, rec := w.apply(context.Background(), p, prov, executor.Options{Images: imgs})
	if sum.Generated != 1 || sum.Restored != 0 {
		t.Fatalf("generated %d, restored %d; want the corrupt copy generated instead: %v", sum.Generated, sum.Restored, failures(sum))
	}
	warned := false
	for _, ev := range rec.of(executor.EventWarning, logo.Addr) {
		warned = warned || (strings.Contains(ev.Message, "do not match their sha256") && strings.Contains(ev.Message, "generated instead"))
	}
	if !warned {
		t.Fatalf("no warning names the corrupt copy: %v", texts(sum, rec))
	}
	if srv.SubmitCount(logo.Prompt) != 2 {
		t.Fatalf("submitted %d times, want 2", srv.SubmitCount(logo.Prompt))
	}
	w.landed(logo)
}
