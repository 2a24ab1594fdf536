package state

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/afero"
)

// ignoreID compares states without their lineage and serial.
var ignoreID = cmpopts.IgnoreFields(State{}, "Lineage", "Serial")

// withState returns New() changed by f.
func withState(f func(s *State)) *State {
	s := New()
	f(s)
	return s
}

func ptr[T any](v T) *T { return &v }

func TestStoreRecords(t *testing.T) {
	a0, a1 := testAsset(0), testAsset(1)
	p0 := testPending(0)
	imported := a1
	imported.TaskID, imported.Consumed = "", 0
	moved := a0
	moved.Addr, moved.Output = `image.hero["paladin"]`, "sprites/paladin.png"
	submitted := p0
	submitted.TaskID, submitted.SubmittedAt = "task-1", t0.Add(time.Second)
	hashes := map[string]FileHash{
		"refs/palette.png": {Size: 10, ModTime: 1, Inode: 7, SHA256: hash("palette")},
		"web/logo.png":     {Size: 20, ModTime: 2, SHA256: hash("logo")},
	}

	tests := []struct {
		name    string
		do      func(st *Store) error
		want    *State
		wantErr string
	}{
		{
			name: "intent stores a pending task without task id",
			do: func(st *Store) error {
				p := p0
				p.TaskID = "stale"
				return st.RecordIntent(p)
			},
			want: withState(func(s *State) { s.Pending[p0.Addr] = ptr(p0) }),
		},
		{
			name: "submitted sets the task id",
			do: func(st *Store) error {
				must(t, st.RecordIntent(p0))
				return st.RecordSubmitted(p0.Addr, "task-1", t0.Add(time.Second))
			},
			want: withState(func(s *State) { s.Pending[p0.Addr] = ptr(submitted) }),
		},
		{
			name:    "submitted without intent",
			do:      func(st *Store) error { return st.RecordSubmitted(p0.Addr, "task-1", t0) },
			want:    New(),
			wantErr: "no intent was recorded",
		},
		{
			name: "done stores the asset, drops the pending task, counts credits",
			do: func(st *Store) error {
				must(t, st.RecordIntent(p0))
				must(t, st.RecordSubmitted(p0.Addr, "task-1", t0))
				must(t, st.RecordDone(a0))
				return st.RecordDone(a1)
			},
			want: withState(func(s *State) {
				s.Assets[a0.Addr], s.Assets[a1.Addr] = ptr(a0), ptr(a1)
				s.Models["google/gempix2"] = ModelStats{Tasks: 2, Consumed: 0.08}
			}),
		},
		{
			name: "an import has no task and no credits",
			do:   func(st *Store) error { return st.RecordDone(imported) },
			want: withState(func(s *State) { s.Assets[imported.Addr] = ptr(imported) }),
		},
		{
			name: "abandoned drops the pending task",
			do: func(st *Store) error {
				must(t, st.RecordIntent(p0))
				must(t, st.RecordAbandoned(p0.Addr))
				return st.RecordAbandoned("image.unknown")
			},
			want: New(),
		},
		{
			name: "forget drops the asset and its pending task",
			do: func(st *Store) error {
				must(t, st.RecordDone(a0))
				must(t, st.RecordDone(a1))
				must(t, st.RecordIntent(p0))
				return st.Forget(a0.Addr)
			},
			want: withState(func(s *State) {
				s.Assets[a1.Addr] = ptr(a1)
				s.Models["google/gempix2"] = ModelStats{Tasks: 2, Consumed: 0.08}
			}),
		},
		{
			name: "move renames and sets the output",
			do: func(st *Store) error {
				must(t, st.RecordDone(a0))
				return st.Move(a0.Addr, moved.Addr, moved.Output)
			},
			want: withState(func(s *State) {
				s.Assets[moved.Addr] = ptr(moved)
				s.Models["google/gempix2"] = ModelStats{Tasks: 1, Consumed: 0.04}
			}),
		},
		{
			name: "move onto an asset in state",
			do: func(st *Store) error {
				must(t, st.RecordDone(imported))
				return st.Move(imported.Addr, imported.Addr+"x", "")
			},
			want: withState(func(s *State) {
				s.Assets[imported.Addr+"x"] = ptr(imported)
				s.Assets[imported.Addr+"x"].Addr += "x"
			}),
		},
		{
			name: "move to an address already in state",
			do: func(st *Store) error {
				must(t, st.RecordDone(imported))
				i2 := imported
				i2.Addr = "image.other"
				must(t, st.RecordDone(i2))
				return st.Move(imported.Addr, "image.other", "")
			},
			want: withState(func(s *State) {
				s.Assets[imported.Addr] = ptr(imported)
				s.Assets["image.other"] = ptr(imported)
				s.Assets["image.other"].Addr = "image.other"
			}),
			wantErr: "image.other is already in the state; forget it first",
		},
		{
			name:    "move an unknown address",
			do:      func(st *Store) error { return st.Move("image.nope", "image.yes", "") },
			want:    New(),
			wantErr: "image.nope is not in the state",
		},
		{
			name: "set files merges and removes",
			do: func(st *Store) error {
				must(t, st.SetFiles(hashes))
				return st.SetFiles(map[string]FileHash{
					"web/logo.png": {},
					"web/new.png":  {Size: 3, SHA256: hash("new")},
				})
			},
			want: withState(func(s *State) {
				s.Files["refs/palette.png"] = hashes["refs/palette.png"]
				s.Files["web/new.png"] = FileHash{Size: 3, SHA256: hash("new")}
			}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := afero.NewMemMapFs()
			st := openStore(t, fs, "/spec")
			err := tt.do(st)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, st.State(), ignoreID); diff != "" {
				t.Errorf("State() (-want +got):\n%s", diff)
			}
			// What the journal replays after a crash is what was recorded.
			crash(t, fs, "/spec", st)
			got, err := Load(fs, "/spec")
			must(t, err)
			if diff := cmp.Diff(tt.want, got, ignoreID); diff != "" {
				t.Errorf("Load after a crash (-want +got):\n%s", diff)
			}
			// And so is what Close folds into state.json.
			st = openStore(t, fs, "/spec")
			must(t, st.Close())
			got, err = Load(fs, "/spec")
			must(t, err)
			if diff := cmp.Diff(tt.want, got, ignoreID); diff != "" {
				t.Errorf("Load after Close (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStoreRoundTrip(t *testing.T) {
	fs := afero.NewMemMapFs()
	st := openStore(t, fs, "/spec")
	for i := range 5 {
		must(t, st.RecordIntent(testPending(i)))
		must(t, st.RecordSubmitted(testAsset(i).Addr, testAsset(i).TaskID, t0))
		if i < 3 {
			must(t, st.RecordDone(testAsset(i)))
		}
	}
	must(t, st.SetFiles(map[string]FileHash{"refs/palette.png": {Size: 1, SHA256: hash("p")}}))
	want := st.State()
	must(t, st.Close())
	got, err := Load(fs, "/spec")
	must(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load after Close (-State() +Load):\n%s", diff)
	}
	if got.Serial != 1 || got.Version != Version || len(got.Lineage) != 36 {
		t.Errorf("got version %d serial %d lineage %q, want version %d, serial 1 and a uuid", got.Version, got.Serial, got.Lineage, Version)
	}
	data := string(readFile(t, fs, "/spec/"+StateFile))
	if !strings.HasPrefix(data, "{\n  \"version\": 1,\n  \"serial\": 1,\n  \"lineage\": ") || !strings.HasSuffix(data, "}\n") {
		t.Errorf("got state.json starting %q, want indented JSON with version, serial and lineage first and a trailing newline", data[:60])
	}
	if exists(t, fs, "/spec/"+JournalFile) || exists(t, fs, "/spec/"+LockFile) {
		t.Errorf("got a journal or a lock after Close, want neither")
	}
}

func TestSerial(t *testing.T) {
	fs := afero.NewMemMapFs()
	steps := []struct {
		name string
		do   func(st *Store)
		want uint64
	}{
		{"first asset", func(st *Store) { must(t, st.RecordDone(testAsset(0))) }, 1},
		{"nothing recorded", func(st *Store) {}, 1},
		{"same asset again, no task", func(st *Store) {
			a := testAsset(0)
			must(t, st.Forget(a.Addr))
			must(t, st.RecordDone(testAsset(0)))
			must(t, st.Forget(a.Addr))
			must(t, st.RecordDone(testAsset(0)))
		}, 2}, // a task counts twice in Models: a change
		{"intent then abandoned", func(st *Store) {
			must(t, st.RecordIntent(testPending(1)))
			must(t, st.RecordAbandoned(testPending(1).Addr))
		}, 2},
		{"an identical import", func(st *Store) {
			a := testAsset(0)
			a.TaskID = ""
			must(t, st.Forget(a.Addr))
			must(t, st.RecordDone(a))
			must(t, st.Forget(a.Addr))
			must(t, st.RecordDone(a))
		}, 3},
		{"the same import again", func(st *Store) {
			a := testAsset(0)
			a.TaskID = ""
			must(t, st.RecordDone(a))
		}, 3},
		{"many records, one fold", func(st *Store) {
			for i := 1; i < 50; i++ {
				must(t, st.RecordDone(testAsset(i)))
			}
		}, 4},
	}
	for _, step := range steps {
		st := openStore(t, fs, "/spec")
		step.do(st)
		if got := st.State().Serial; got != step.want {
			t.Errorf("%s: got serial %d from State(), want %d", step.name, got, step.want)
		}
		crash(t, fs, "/spec", st)
		s, err := Load(fs, "/spec")
		must(t, err)
		if s.Serial != step.want {
			t.Errorf("%s: got serial %d from Load before the fold, want %d", step.name, s.Serial, step.want)
		}
		st = openStore(t, fs, "/spec")
		must(t, st.Close())
		s, err = Load(fs, "/spec")
		must(t, err)
		if s.Serial != step.want {
			t.Errorf("%s: got serial %d after the fold, want %d", step.name, s.Serial, step.want)
		}
	}
}

func TestBackup(t *testing.T) {
	fs := afero.NewMemMapFs()
	st := openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(0)))
	must(t, st.Close())
	if exists(t, fs, "/spec/"+BackupFile) {
		t.Errorf("got a backup after the first apply, want none (there was no state before)")
	}
	first := readFile(t, fs, "/spec/"+StateFile)

	// A big apply folds several times; the backup is the state before it.
	st = openStore(t, fs, "/spec")
	for i := 1; i < 800; i++ {
		must(t, st.RecordDone(testAsset(i)))
	}
	if st.j.cur.Serial < 3 {
		t.Errorf("got serial %d before Close, want at least 3: this test needs automatic folds", st.j.cur.Serial)
	}
	must(t, st.Close())
	if got := readFile(t, fs, "/spec/"+BackupFile); string(got) != string(first) {
		t.Errorf("got backup of %d bytes, want the %d bytes of state.json before the apply", len(got), len(first))
	}

	// An apply that changes nothing keeps both.
	second := readFile(t, fs, "/spec/"+StateFile)
	st = openStore(t, fs, "/spec")
	must(t, st.Close())
	if got := readFile(t, fs, "/spec/"+StateFile); string(got) != string(second) {
		t.Errorf("got state.json rewritten by an apply that recorded nothing")
	}
	if got := readFile(t, fs, "/spec/"+BackupFile); string(got) != string(first) {
		t.Errorf("got backup rewritten by an apply that recorded nothing")
	}
	if st.BytesWritten() != 0 {
		t.Errorf("got %d bytes written by an apply that recorded nothing, want 0", st.BytesWritten())
	}
}

func TestStoreConcurrent(t *testing.T) {
	fs := afero.NewMemMapFs()
	st := openStore(t, fs, "/spec")
	const workers, each = 8, 60
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for j := range each {
				i := w*each + j
				a := testAsset(i)
				for _, err := range []error{
					st.RecordIntent(testPending(i)),
					st.RecordSubmitted(a.Addr, a.TaskID, t0),
					st.SetFiles(map[string]FileHash{a.Output: {Size: int64(i), SHA256: a.SHA256}}),
					st.RecordDone(a),
				} {
					if err != nil {
						t.Error(err)
						return
					}
				}
				if j%10 == 0 {
					_ = st.State()
					_ = st.BytesWritten()
				}
			}
		})
	}
	wg.Wait()
	must(t, st.Close())
	s, err := Load(fs, "/spec")
	must(t, err)
	if len(s.Assets) != workers*each || len(s.Files) != workers*each || len(s.Pending) != 0 {
		t.Errorf("got %d assets, %d files, %d pending, want %d, %d, 0", len(s.Assets), len(s.Files), len(s.Pending), workers*each, workers*each)
	}
	if got := s.Models["google/gempix2"].Tasks; got != workers*each {
		t.Errorf("got %d tasks counted, want %d", got, workers*each)
	}
}

func TestStoreClosed(t *testing.T) {
	fs := afero.NewMemMapFs()
	st := openStore(t, fs, "/spec")
	must(t, st.Close())
	must(t, st.Close())
	if err := st.RecordDone(testAsset(0)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("got %v from RecordDone after Close, want an error saying the store is closed", err)
	}
}

func TestClone(t *testing.T) {
	a := testAsset(0)
	s := New()
	s.Assets[a.Addr] = &a
	s.Pending["p"] = &Pending{Addr: "p"}
	s.Files["f"] = FileHash{SHA256: "x"}
	s.Models["m"] = ModelStats{Tasks: 1}
	c := s.Clone()
	if diff := cmp.Diff(s, c); diff != "" {
		t.Fatalf("Clone differs (-orig +clone):\n%s", diff)
	}
	c.Assets[a.Addr].Inputs["prompt"] = "changed"
	c.Assets[a.Addr].Refs[0] = "changed"
	c.Pending["p"].TaskID = "changed"
	c.Files["g"] = FileHash{}
	c.Models["m"] = ModelStats{}
	if diff := cmp.Diff(withState(func(w *State) {
		w.Assets[a.Addr] = ptr(testAsset(0))
		w.Pending["p"] = &Pending{Addr: "p"}
		w.Files["f"] = FileHash{SHA256: "x"}
		w.Models["m"] = ModelStats{Tasks: 1}
	}), s, ignoreID); diff != "" {
		t.Errorf("changing the clone changed the original (-want +got):\n%s", diff)
	}
	if (*State)(nil).Clone() != nil {
		t.Errorf("got a non-nil clone of nil")
	}
	if a, b := New().Lineage, New().Lineage; a == b {
		t.Errorf("got lineage %s twice, want fresh ones", a)
	}
}

// ExampleStore shows the records of one image of an apply.
func ExampleStore() {
	fs := afero.NewMemMapFs()
	st, err := Open(fs, "/spec", LockOptions{Timeout: time.Minute})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	_ = st.RecordIntent(Pending{Addr: "image.logo", Model: "google/gempix2", IntentAt: time.Now()})
	_ = st.RecordSubmitted("image.logo", "task-42", time.Now())
	_ = st.RecordDone(Asset{Addr: "image.logo", Output: "web/logo.png", Model: "google/gempix2", TaskID: "task-42", Consumed: 0.04})
	fmt.Println(len(st.State().Assets), st.State().Models["google/gempix2"].Tasks)
	// Output: 1 1
}
