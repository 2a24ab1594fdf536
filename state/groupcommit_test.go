package state

import (
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// syncFs counts the fsyncs of the journal; while gate is set, each one
// announces itself on entered and waits for gate to close; fail makes the
// next one fail.
type syncFs struct {
	afero.Fs
	mu      sync.Mutex
	syncs   int
	gate    chan struct{}
	entered chan struct{}
	fail    bool
}

type syncFile struct {
	afero.File
	fs *syncFs
}

func (f *syncFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil || !strings.HasSuffix(name, JournalFile) {
		return file, err
	}
	return &syncFile{file, f}, nil
}

func (f *syncFile) Sync() error {
	f.fs.mu.Lock()
	f.fs.syncs++
	gate, entered, fail := f.fs.gate, f.fs.entered, f.fs.fail
	f.fs.fail = false
	f.fs.mu.Unlock()
	if gate != nil {
		entered <- struct{}{}
		<-gate
	}
	if fail {
		return errors.New("I/O error")
	}
	return f.File.Sync()
}

func (f *syncFs) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.syncs
}

// TestGroupCommit holds one fsync of the journal while twenty records
// queue behind it, and checks that they share a single fsync and are all
// durable.
func TestGroupCommit(t *testing.T) {
	fs := &syncFs{Fs: afero.NewMemMapFs()}
	st := openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(0))) // begins the journal: fsynced at once
	fs.mu.Lock()
	fs.gate, fs.entered = make(chan struct{}), make(chan struct{}, 100)
	fs.mu.Unlock()
	before := fs.count()

	const n = 20
	errs := make(chan error, n+1)
	go func() { errs <- st.RecordDone(testAsset(1)) }()
	<-fs.entered // the first fsync is under way
	for i := range n {
		go func() { errs <- st.RecordDone(testAsset(2 + i)) }()
	}
	for { // until every record is in the journal, waiting on the fsync
		st.j.mu.Lock()
		appended := st.j.appended
		st.j.mu.Unlock()
		if appended == n+2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(fs.gate)
	for range n + 1 {
		must(t, <-errs)
	}
	if got := fs.count() - before; got != 2 {
		t.Errorf("got %d fsyncs of the journal for %d records, want 2: the first, and one shared by the %d that queued behind it", got, n+1, n)
	}
	crash(t, fs, "/spec", st)
	got, err := Load(fs, "/spec")
	must(t, err)
	if len(got.Assets) != n+2 {
		t.Errorf("got %d assets after a crash, want %d", len(got.Assets), n+2)
	}
}

// TestGroupCommitSyncError fails one fsync: its record reports the error,
// and the next record folds the state first, so nothing is lost.
func TestGroupCommitSyncError(t *testing.T) {
	fs := &syncFs{Fs: afero.NewMemMapFs()}
	st := openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(0)))
	fs.fail = true
	if err := st.RecordDone(testAsset(1)); err == nil || !strings.Contains(err.Error(), "I/O error") {
		t.Fatalf("got %v, want the fsync error", err)
	}
	must(t, st.RecordDone(testAsset(2)))
	crash(t, fs, "/spec", st)
	got, err := Load(fs, "/spec")
	must(t, err)
	for i := range 3 {
		if got.Assets[testAsset(i).Addr] == nil {
			t.Errorf("asset %d: missing after a crash, want the fold after the failed fsync to have kept it", i)
		}
	}
}
