package executor_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/provider/offline"
	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

func TestMovesAndDeletes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	prov := offline.New()
	keep, gone, edited := img("offline", "keep", "Kept, moved"), img("offline", "gone", "Removed"), img("offline", "edited", "Removed, edited by hand")
	if sum, _ := w.apply(context.Background(), w.plan([]*spec.Asset{keep, gone, edited}), prov, executor.Options{}); sum.Generated != 3 {
		t.Fatalf("first apply: got %+v, want 3 generated", tallyOf(sum))
	}
	keepData := w.read(keep.Output)
	handEdit := []byte("touched up by hand")
	w.write(edited.Output, handEdit)

	moved := *keep
	moved.Output = "sprites/keep.png"
	p := w.plan([]*spec.Asset{&moved})
	got := map[string]planner.Action{}
	for _, ch := range p.Changes {
		got[ch.Addr] = ch.Action
	}
	want := map[string]planner.Action{keep.Addr: planner.Move, gone.Addr: planner.Delete, edited.Addr: planner.Forget}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	sum, rec := w.apply(context.Background(), p, prov, executor.Options{})
	if diff := cmp.Diff(tally{Moved: 1, Deleted: 1}, tallyOf(sum)); diff != "" || sum.Forgotten != 1 {
		t.Fatalf("summary (-want +got):\n%s\nforgotten %d, want 1; failures: %v", diff, sum.Forgotten, failures(sum))
	}
	if w.exists(keep.Output) || !bytes.Equal(w.read(moved.Output), keepData) {
		t.Errorf("move: %s still exists or %s does not hold the image", keep.Output, moved.Output)
	}
	if w.exists(gone.Output) {
		t.Errorf("delete: unchanged %s still exists", gone.Output)
	}
	if !w.exists(edited.Output) || !bytes.Equal(w.read(edited.Output), handEdit) {
		t.Errorf("delete: hand-edited %s was not kept", edited.Output)
	}
	forgot := rec.of(executor.EventForgotten, "")
	if len(forgot) != 1 || forgot[0].Addr != edited.Addr || forgot[0].Message != edited.Output+" is kept" {
		t.Errorf("forgotten: got %+v, want one saying %s is kept", forgot, edited.Output)
	}
	if del := rec.of(executor.EventDeleted, ""); len(del) != 1 || del[0].Addr != gone.Addr {
		t.Errorf("deleted: got %+v, want %s only", del, gone.Addr)
	}
	for _, a := range []*spec.Asset{keep, gone, edited} {
		if rec.index(executor.EventStart, a.Addr) >= 0 {
			t.Errorf("%s was generated; want no generation", a.Addr)
		}
	}
	w.landed(&moved)
	w.close()
	lock, err := state.ReadLock(w.fs, w.dir)
	if err != nil {
		t.Fatal(err)
	}
	wantLock := []state.LockImage{{Addr: keep.Addr, Output: moved.Output, SHA256: sha(keepData), Fingerprint: p.Change(keep.Addr).Fingerprint, Model: planner.RecordedModel(keep)}}
	if diff := cmp.Diff(wantLock, lock.Images); diff != "" {
		t.Errorf("lockfile (-want +got):\n%s", diff)
	}
	w.open()
	if p := w.plan([]*spec.Asset{&moved}); p.HasChanges() {
		t.Errorf("the plan after apply has changes: %+v", p.Changes)
	}
}

func TestMovedBlock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		output  string
		clone   bool // a fresh clone: the lockfile only, no state
		backend bool // the state in another backend than the local directory
	}{
		{name: "same output", output: "out/old.png"},
		{name: "new output", output: "out/new.png"},
		{name: "fresh clone, same output", output: "out/old.png", clone: true},
		{name: "fresh clone, new output", output: "out/new.png", clone: true},
		{name: "another backend, new output", output: "out/new.png", backend: true},
		{name: "another backend, fresh clone, new output", output: "out/new.png", clone: true, backend: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newMemWorld(t)
			if tc.backend {
				w = newBackendWorld(t)
			}
			prov := offline.New()
			old := img("offline", "old", "Renamed in the spec")
			w.apply(context.Background(), w.plan([]*spec.Asset{old}), prov, executor.Options{})
			data := w.read(old.Output)
			if tc.clone {
				w.close()
				if err := w.fs.RemoveAll(w.path(".pixform")); err != nil {
					t.Fatal(err)
				}
				w.kept = nil // the other backend's state is empty too
				w.open()
			}

			renamed := img("offline", "new", old.Prompt)
			renamed.Output = tc.output
			p := w.plan([]*spec.Asset{renamed}, spec.Moved{From: old.Addr, To: renamed.Addr})
			if ch := p.Change(renamed.Addr); ch == nil || ch.MovedFrom != old.Addr || ch.Action.Generates() {
				t.Fatalf("plan of %s: got %+v, want moved from %s without generation", renamed.Addr, ch, old.Addr)
			}
			sum, rec := w.apply(context.Background(), p, prov, executor.Options{})
			if sum.Generated != 0 || sum.Failed != 0 || sum.Deleted != 0 {
				t.Errorf("summary: got %+v, want nothing generated, failed or deleted", tallyOf(sum))
			}
			if got := rec.of(executor.EventMoved, renamed.Addr); len(got) == 0 || !strings.Contains(got[0].Message, old.Addr) {
				t.Errorf("moved events: got %+v, want one naming %s", got, old.Addr)
			}
			if !bytes.Equal(w.read(renamed.Output), data) || (tc.output != old.Output && w.exists(old.Output)) {
				t.Errorf("%s: the image changed, or %s is still there", renamed.Output, old.Output)
			}
			if st := w.store.State(); st.Assets[old.Addr] != nil {
				t.Errorf("state still holds %s", old.Addr)
			}
			w.close()
			lock, err := state.ReadLock(w.fs, w.dir)
			if err != nil {
				t.Fatal(err)
			}
			var addrs []string
			for _, li := range lock.Images {
				addrs = append(addrs, li.Addr+" "+li.Output)
			}
			if diff := cmp.Diff([]string{renamed.Addr + " " + renamed.Output}, addrs); diff != "" {
				t.Errorf("lockfile images (-want +got):\n%s", diff)
			}
			w.open()
			if p := w.plan([]*spec.Asset{renamed}, spec.Moved{From: old.Addr, To: renamed.Addr}); p.HasChanges() {
				t.Errorf("the plan after apply has changes: %+v", p.Changes)
			}
			if p := w.plan([]*spec.Asset{renamed}); p.HasChanges() {
				t.Errorf("the plan after apply, moved block removed, has changes: %+v", p.Changes)
			}
		})
	}
}

// spyFs records the files opened for writing and the renames.
type spyFs struct {
	afero.Fs
	mu      sync.Mutex
	written []string
	renamed map[string]string // new name -> old name
}

func (s *spyFs) Create(name string) (afero.File, error) {
	s.note(name)
	return s.Fs.Create(name)
}

func (s *spyFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		s.note(name)
	}
	return s.Fs.OpenFile(name, flag, perm)
}

func (s *spyFs) Rename(oldname, newname string) error {
	s.mu.Lock()
	s.renamed[newname] = oldname
	s.mu.Unlock()
	return s.Fs.Rename(oldname, newname)
}

func (s *spyFs) note(name string) {
	s.mu.Lock()
	s.written = append(s.written, name)
	s.mu.Unlock()
}

func TestOutputWrittenAtomically(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"offline", "defapi"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			var prov provider.Provider = offline.New()
			if kind == "defapi" {
				_, prov = newFake(t, fakeapi.Options{})
			}
			a := img(kind, "atomic", "Written whole or not at all")
			var before []byte // what the output held before this apply
			for _, prompt := range []string{"Written whole or not at all", "Written whole again"} {
				a.Prompt = prompt
				p := w.plan([]*spec.Asset{a})
				spy := &spyFs{Fs: w.fs, renamed: map[string]string{}}
				var mu sync.Mutex
				var seen []string
				check := func(ev executor.Event) {
					if ev.Addr != a.Addr || (ev.Kind != executor.EventDownload && ev.Kind != executor.EventDone) {
						return
					}
					data, err := afero.ReadFile(w.fs, w.path(a.Output))
					mu.Lock()
					defer mu.Unlock()
					switch {
					case ev.Kind == executor.EventDone && err != nil:
						seen = append(seen, "done: no file")
					case ev.Kind == executor.EventDownload && before == nil && err == nil:
						seen = append(seen, "download: a file already exists")
					case ev.Kind == executor.EventDownload && before != nil && !bytes.Equal(data, before):
						seen = append(seen, "download: the previous image is already gone")
					}
				}
				sum, _ := w.apply(context.Background(), p, prov, executor.Options{Fs: spy, OnEvent: check})
				if diff := cmp.Diff(tally{Generated: 1}, tallyOf(sum)); diff != "" {
					t.Fatalf("%s: summary (-want +got):\n%s\nfailures: %v", p.Change(a.Addr).Action, diff, failures(sum))
				}
				if len(seen) != 0 {
					t.Errorf("%s: %v", p.Change(a.Addr).Action, seen)
				}
				full := w.path(a.Output)
				for _, name := range spy.written {
					if name == full {
						t.Errorf("%s: %s was opened for writing; want it only renamed into place", p.Change(a.Addr).Action, a.Output)
					}
				}
				if from, ok := spy.renamed[full]; !ok || filepath.Dir(from) != filepath.Dir(full) {
					t.Errorf("%s: renames %v, want one into %s from its directory", p.Change(a.Addr).Action, spy.renamed, full)
				}
				before = w.landed(a)
			}
		})
	}
}
