package state

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"
)

func TestCrashReplay(t *testing.T) {
	fs := afero.NewMemMapFs()
	st := openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(0)))
	must(t, st.Close())

	st = openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(1)))
	must(t, st.RecordIntent(testPending(2)))
	must(t, st.RecordSubmitted(testPending(2).Addr, "task-2", t0))
	want := st.State()
	crash(t, fs, "/spec", st)

	got, err := Load(fs, "/spec")
	must(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load after a crash (-recorded +loaded):\n%s", diff)
	}
	if got.Pending[testPending(2).Addr].TaskID != "task-2" {
		t.Errorf("got the task id lost in a crash, want it kept")
	}

	// The next apply folds the journal at once.
	st = openStore(t, fs, "/spec")
	if exists(t, fs, "/spec/"+JournalFile) {
		t.Errorf("got a journal after Open, want it folded into state.json")
	}
	if diff := cmp.Diff(want, st.State()); diff != "" {
		t.Errorf("State after Open (-recorded +got):\n%s", diff)
	}
	must(t, st.Close())
	got, err = Load(fs, "/spec")
	must(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load after the fold (-recorded +loaded):\n%s", diff)
	}
}

// TestCrashFirstApply crashes before state.json was ever written: the
// journal alone carries the lineage.
func TestCrashFirstApply(t *testing.T) {
	fs := afero.NewMemMapFs()
	st := openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(0)))
	want := st.State()
	crash(t, fs, "/spec", st)
	if exists(t, fs, "/spec/"+StateFile) {
		t.Fatalf("got a state.json before any fold")
	}
	for range 2 { // Load, then Load after a fold
		got, err := Load(fs, "/spec")
		must(t, err)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Load (-recorded +loaded):\n%s", diff)
		}
		must(t, openStore(t, fs, "/spec").Close())
	}
}

func TestTornJournal(t *testing.T) {
	line := func(t *testing.T, r *record) []byte {
		b, err := r.encode()
		must(t, err)
		return b
	}
	a := testAsset(1)
	done := line(t, &record{Op: opDone, Asset: &a})
	tests := []struct {
		name    string
		tail    []byte // appended to a journal of one good record
		want    int    // assets after Load
		wantErr string
	}{
		{name: "clean", tail: nil, want: 1},
		{name: "one more record", tail: done, want: 2},
		{name: "torn last line", tail: done[:len(done)/2], want: 1},
		{name: "torn last line, newline written", tail: append(done[:len(done)/2:len(done)/2], '\n'), want: 1},
		{name: "zeroes after a crash", tail: make([]byte, 300), want: 1},
		{name: "whole last line without its newline", tail: done[:len(done)-1], want: 2},
		{name: "torn line in the middle", tail: append(append(done[:40:40], '\n'), done...), wantErr: "corrupt at line 3"},
		{name: "unknown operation in the middle", tail: append([]byte(`{"op":"explode"}`+"\n"), done...), wantErr: `unknown operation "explode"`},
		{name: "header in the middle", tail: append([]byte(`{"op":"begin","version":1}`+"\n"), done...), wantErr: "a second header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := afero.NewMemMapFs()
			st := openStore(t, fs, "/spec")
			must(t, st.RecordDone(testAsset(0)))
			must(t, st.Close())
			st = openStore(t, fs, "/spec")
			must(t, st.RecordDone(testAsset(0))) // begins a journal
			crash(t, fs, "/spec", st)
			f, err := fs.OpenFile("/spec/"+JournalFile, os.O_WRONLY|os.O_APPEND, 0)
			must(t, err)
			_, err = f.Write(tt.tail)
			must(t, err)
			must(t, f.Close())

			got, err := Load(fs, "/spec")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "move it aside") {
					t.Fatalf("got error %v, want one containing %q and saying what to do", err, tt.wantErr)
				}
				return
			}
			must(t, err)
			if len(got.Assets) != tt.want {
				t.Errorf("got %d assets, want %d", len(got.Assets), tt.want)
			}
			// The next apply folds it and goes on.
			st = openStore(t, fs, "/spec")
			must(t, st.RecordDone(testAsset(2)))
			crash(t, fs, "/spec", st)
			got, err = Load(fs, "/spec")
			must(t, err)
			if len(got.Assets) != tt.want+1 {
				t.Errorf("got %d assets after another apply, want %d", len(got.Assets), tt.want+1)
			}
		})
	}
}

// TestStaleJournal is a fold that wrote state.json and crashed before
// removing the journal: its records are in state.json already.
func TestStaleJournal(t *testing.T) {
	fs := afero.NewMemMapFs()
	st := openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(0)))
	journal := readFile(t, fs, "/spec/"+JournalFile)
	must(t, st.Close())
	must(t, afero.WriteFile(fs, "/spec/"+JournalFile, journal, 0o644))
	got, err := Load(fs, "/spec")
	must(t, err)
	if m := got.Models["google/gempix2"]; m.Tasks != 1 || got.Serial != 1 {
		t.Errorf("got %d tasks at serial %d, want the stale journal ignored: 1 task at serial 1", m.Tasks, got.Serial)
	}
}

// faultFs fails the journal's next write after writing half of it.
type faultFs struct {
	afero.Fs
	fail bool
}

type faultFile struct {
	afero.File
	fs *faultFs
}

func (f *faultFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil || !strings.HasSuffix(name, "journal.jsonl") {
		return file, err
	}
	return &faultFile{file, f}, nil
}

func (f *faultFile) WriteAt(b []byte, off int64) (int, error) {
	if f.fs.fail {
		f.fs.fail = false
		n, _ := f.File.WriteAt(b[:len(b)/2], off)
		return n, errors.New("disk full")
	}
	return f.File.WriteAt(b, off)
}

func TestJournalWriteError(t *testing.T) {
	fs := &faultFs{Fs: afero.NewMemMapFs()}
	st := openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(0)))
	fs.fail = true
	if err := st.RecordDone(testAsset(1)); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("got %v, want the write error", err)
	}
	if _, ok := st.State().Assets[testAsset(1).Addr]; ok {
		t.Errorf("got the failed record in the state, want it absent")
	}
	must(t, st.RecordDone(testAsset(2)))
	if j := readFile(t, fs, "/spec/"+JournalFile); bytes.Count(j, []byte("\n")) != 3 {
		t.Errorf("got journal:\n%s\nwant a header and two whole records", j)
	}
	crash(t, fs, "/spec", st)
	got, err := Load(fs, "/spec")
	must(t, err)
	if len(got.Assets) != 2 {
		t.Errorf("got %d assets, want 2", len(got.Assets))
	}
}

func TestOpenRemovesTempFiles(t *testing.T) {
	fs := afero.NewMemMapFs()
	tmp := "/spec/" + StateFile + ".tmp-12345"
	must(t, afero.WriteFile(fs, tmp, []byte("{"), 0o600))
	must(t, openStore(t, fs, "/spec").Close())
	if exists(t, fs, tmp) {
		t.Errorf("got %s left after Open, want it removed", tmp)
	}
}
