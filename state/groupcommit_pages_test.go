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

// pageFs models the page cache of Linux for the journal: Sync writes back
// every byte written so far; a failed writeback drops those bytes (the pages
// are marked clean, so no later fsync writes them) and a later fsync of the
// same file reports success. durable is how many leading bytes of the
// journal survive a power cut.
type pageFs struct {
	afero.Fs
	mu       sync.Mutex
	gate     chan struct{} // while set, Sync announces itself on entered and waits
	entered  chan struct{}
	failNext bool
	file     *pageFile
}

type pageFile struct {
	afero.File
	fs      *pageFs
	size    int64 // bytes written so far
	wbFrom  int64 // bytes before this were written back (or dropped)
	durable int64 // leading bytes known on disk
	dropped bool  // a writeback failed: nothing after durable survives
}

func (f *pageFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil || !strings.HasSuffix(name, JournalFile) {
		return file, err
	}
	pf := &pageFile{File: file, fs: f}
	f.mu.Lock()
	f.file = pf
	f.mu.Unlock()
	return pf, nil
}

func (p *pageFile) WriteAt(b []byte, off int64) (int, error) {
	n, err := p.File.WriteAt(b, off)
	p.fs.mu.Lock()
	p.size = max(p.size, off+int64(n))
	p.fs.mu.Unlock()
	return n, err
}

func (p *pageFile) Sync() error {
	p.fs.mu.Lock()
	gate, entered := p.fs.gate, p.fs.entered
	p.fs.mu.Unlock()
	if gate != nil {
		entered <- struct{}{}
		<-gate
	}
	p.fs.mu.Lock()
	defer p.fs.mu.Unlock()
	fail := p.fs.failNext
	p.fs.failNext = false
	// Writeback of the dirty bytes [wbFrom, size).
	if fail {
		p.dropped = true
		p.wbFrom = p.size
		return errors.New("I/O error")
	}
	if !p.dropped {
		p.durable = p.size
	}
	p.wbFrom = p.size
	return nil
}

// TestGroupCommitLateRecordAfterFailedSync: record 1's fsync snapshots
// upTo, then record 2 is written before that fsync runs. The fsync fails,
// dropping both lines; record 1 gets the error but record 2's waiter runs a
// second fsync, which succeeds (nothing is dirty any more), and RecordDone
// returns nil for a line that is not on disk. A power cut before the next
// fold loses it.
func TestGroupCommitLateRecordAfterFailedSync(t *testing.T) {
	fs := &pageFs{Fs: afero.NewMemMapFs()}
	st := openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(0))) // begins the journal, fsynced at once
	fs.mu.Lock()
	fs.gate, fs.entered = make(chan struct{}), make(chan struct{}, 10)
	fs.failNext = true
	fs.mu.Unlock()

	errA := make(chan error, 1)
	go func() { errA <- st.RecordDone(testAsset(1)) }()
	<-fs.entered // A took upTo = 2 and is about to fsync
	errB := make(chan error, 1)
	go func() { errB <- st.RecordDone(testAsset(2)) }()
	for { // B's line is in the journal; B queues behind A's fsync
		st.j.mu.Lock()
		n := st.j.appended
		st.j.mu.Unlock()
		if n == 3 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	fs.mu.Lock()
	held := fs.gate
	fs.gate = nil // B's own fsync is not held
	fs.mu.Unlock()
	close(held) // A's fsync goes on, and fails
	if err := <-errA; err == nil {
		t.Fatalf("record A: got nil, want the fsync error")
	}
	gotB := <-errB

	// Power cut now: only the durable bytes of the journal survive.
	fs.mu.Lock()
	durable := fs.file.durable
	fs.mu.Unlock()
	crash(t, fs, "/spec", st)
	f, err := fs.Fs.OpenFile("/spec/"+JournalFile, os.O_RDWR, 0)
	must(t, err)
	must(t, f.Truncate(durable))
	must(t, f.Close())
	got, err := Load(fs.Fs, "/spec")
	must(t, err)
	if gotB == nil && got.Assets[testAsset(2).Addr] == nil {
		t.Errorf("record B: RecordDone returned nil, but its line was covered by the failed fsync and is lost after a power cut")
	}
}
