package state

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spf13/afero"
)

// syncFs models what the journal's fsyncs made durable: each fsync of the
// journal keeps a copy of it (what a crash right after would leave). It
// fails the journal's fsyncs while fail is set, and holds the next one
// until gate is closed when gate is set.
type syncFs struct {
	afero.Fs
	fail atomic.Bool

	mu    sync.Mutex
	gate  chan struct{}
	snap  []byte // the journal as its last fsync found it; nil when none
	syncs int
}

type syncFile struct {
	afero.File
	fs *syncFs
}

func isJournal(name string) bool { return strings.HasSuffix(name, "journal.jsonl") }

func (s *syncFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	f, err := s.Fs.OpenFile(name, flag, perm)
	if err != nil || !isJournal(name) {
		return f, err
	}
	return &syncFile{f, s}, nil
}

func (s *syncFs) Remove(name string) error {
	if isJournal(name) {
		s.mu.Lock()
		s.snap = nil
		s.mu.Unlock()
	}
	return s.Fs.Remove(name)
}

// durable returns the journal as a crash would leave it.
func (s *syncFs) durable() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap
}

func (f *syncFile) Sync() error {
	f.fs.mu.Lock()
	gate := f.fs.gate
	f.fs.gate = nil
	f.fs.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if f.fs.fail.Load() {
		return errors.New("injected fsync failure")
	}
	data, err := afero.ReadFile(f.fs.Fs, f.Name())
	if err != nil {
		return err
	}
	f.fs.mu.Lock()
	f.fs.snap, f.fs.syncs = data, f.fs.syncs+1
	f.fs.mu.Unlock()
	return f.File.Sync()
}

// TestGroupCommitDurable records from many goroutines at once and checks
// that each record is in what the journal's fsyncs made durable by the
// time its call returns: a crash at that instant keeps it.
func TestGroupCommitDurable(t *testing.T) {
	fs := &syncFs{Fs: afero.NewMemMapFs()}
	st := openStore(t, fs, "/spec")
	// Few and small records, so that no fold replaces the journal with
	// state.json, which this model of a crash does not cover.
	const workers, each = 16, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for j := range each {
				p := testPending(w*each + j)
				if err := st.RecordIntent(p); err != nil {
					t.Error(err)
					return
				}
				view := afero.NewMemMapFs()
				if err := afero.WriteFile(view, "/spec/"+JournalFile, fs.durable(), 0o644); err != nil {
					t.Error(err)
					return
				}
				s, err := Load(view, "/spec")
				if err != nil {
					t.Error(err)
					return
				}
				if s.Pending[p.Addr] == nil {
					t.Errorf("got no intent for %s in the durable journal after RecordIntent returned, want it", p.Addr)
				}
			}
		})
	}
	wg.Wait()
	if exists(t, fs, "/spec/"+StateFile) {
		t.Fatal("got a fold during the test, want none (record less)")
	}
	fs.mu.Lock()
	t.Logf("%d records, %d fsyncs of the journal", workers*each, fs.syncs)
	fs.mu.Unlock()
	must(t, st.Close())
	s, err := Load(fs, "/spec")
	must(t, err)
	if len(s.Pending) != workers*each {
		t.Errorf("got %d intents after Close, want %d", len(s.Pending), workers*each)
	}
}

// TestSyncFailure fails an fsync that several waiting records share and
// checks that each of them returns the error and that none of them stays
// recorded, in the state or in the journal.
func TestSyncFailure(t *testing.T) {
	fs := &syncFs{Fs: afero.NewMemMapFs()}
	st := openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(0)))

	gate := make(chan struct{})
	fs.mu.Lock()
	fs.gate = gate
	fs.mu.Unlock()
	fs.fail.Store(true)
	const n = 8
	errs := make([]error, n+1)
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		wg.Go(func() { errs[i] = st.RecordDone(testAsset(i)) })
	}
	intent := testPending(50)
	wg.Go(func() { errs[0] = st.RecordIntent(intent) })
	// Each call updates the state before it waits for an fsync; the first
	// fsync waits for the gate, so all of them wait for a failing one.
	for s := st.State(); len(s.Assets) < n+1 || s.Pending[intent.Addr] == nil; s = st.State() {
		runtime.Gosched()
	}
	close(gate)
	wg.Wait()
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "injected fsync failure") {
			t.Errorf("call %d: got %v, want the fsync error", i, err)
		}
	}
	s := st.State()
	if len(s.Assets) != 1 || len(s.Pending) != 0 {
		t.Errorf("got %d assets and %d pending after the failed fsync, want 1 and 0", len(s.Assets), len(s.Pending))
	}

	fs.fail.Store(false)
	if err := st.RecordSubmitted(intent.Addr, "task-1", t0); err == nil || !strings.Contains(err.Error(), "no intent") {
		t.Errorf("got %v from RecordSubmitted after its intent failed, want an error saying there is no intent", err)
	}
	must(t, st.RecordDone(testAsset(n+1)))
	crash(t, fs, "/spec", st)
	got, err := Load(fs, "/spec")
	must(t, err)
	_, first := got.Assets[testAsset(0).Addr]
	_, last := got.Assets[testAsset(n+1).Addr]
	if len(got.Assets) != 2 || !first || !last || len(got.Pending) != 0 {
		t.Errorf("got %d assets and %d pending after a crash, want the first and the last asset only", len(got.Assets), len(got.Pending))
	}
}

// TestFirstSyncFailure fails the first fsync of a journal: the journal,
// whose header was not durable either, is dropped, and the next record
// begins a new one.
func TestFirstSyncFailure(t *testing.T) {
	fs := &syncFs{Fs: afero.NewMemMapFs()}
	st := openStore(t, fs, "/spec")
	fs.fail.Store(true)
	if err := st.RecordDone(testAsset(0)); err == nil || !strings.Contains(err.Error(), "injected fsync failure") {
		t.Fatalf("got %v, want the fsync error", err)
	}
	if exists(t, fs, "/spec/"+JournalFile) {
		t.Errorf("got a journal after its first fsync failed, want it removed")
	}
	fs.fail.Store(false)
	must(t, st.RecordDone(testAsset(1)))
	must(t, st.Close())
	got, err := Load(fs, "/spec")
	must(t, err)
	if _, ok := got.Assets[testAsset(1).Addr]; len(got.Assets) != 1 || !ok {
		t.Errorf("got %d assets, want only %s", len(got.Assets), testAsset(1).Addr)
	}
}

// TestJournalHole replays a journal whose pages not yet fsynced reached the
// disk out of order, as a crash of the machine can leave it: a hole of NUL
// bytes among the last lines. Its lines from the hole on are dropped.
func TestJournalHole(t *testing.T) {
	var j []byte
	for _, r := range []record{
		{Op: opBegin, Version: journalVersion, Lineage: "l", Serial: 1},
		{Op: opAbandoned, Addr: "image.a"},
	} {
		b, err := r.encode()
		must(t, err)
		j = append(j, b...)
	}
	late, err := (&record{Op: opForget, Addr: "image.b"}).encode()
	must(t, err)
	j = append(j, late[:10]...)
	j = append(j, make([]byte, 100)...)
	j = append(j, late[20:]...)
	j = append(j, late...)
	hdr, recs, err := parseJournal(j)
	must(t, err)
	if hdr == nil || len(recs) != 1 || recs[0].Addr != "image.a" {
		t.Errorf("got header %v and records %+v, want the header and the record before the hole", hdr, recs)
	}
}
