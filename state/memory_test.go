package state

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"
)

// backendScript makes every kind of call of Backend, valid and not, and
// returns what each returned.
func backendScript(b Backend) []string {
	var got []string
	do := func(err error) { got = append(got, fmt.Sprint(err)) }
	a0, a1, a2 := testAsset(0), testAsset(1), testAsset(2)
	do(b.RecordIntent(testPending(0)))
	do(b.RecordIntent(Pending{}))                   // no address
	do(b.RecordSubmitted(a0.Addr, "", t0))          // no task id
	do(b.RecordSubmitted(a1.Addr, "task-1", t0))    // no intent
	do(b.RecordSubmitted(a0.Addr, "task-0", t0))    // valid
	do(b.RecordUnsent(a0.Addr))                     // marks
	do(b.RecordAmbiguous(a0.Addr))                  //
	do(b.RecordCounted(a0.Addr))                    //
	do(b.RecordCounted(a1.Addr))                    // nothing pending: nothing
	do(b.RecordDone(Asset{}))                       // no address
	do(b.RecordDone(a0))                            // drops the pending entry
	do(b.RecordIntent(testPending(1)))              //
	do(b.RecordAbandoned(a1.Addr))                  //
	do(b.RecordAbandoned(a1.Addr))                  // nothing
	do(b.RecordIntent(testPending(2)))              // stays pending
	do(b.RecordDone(a1))                            //
	do(b.Move(a1.Addr, a0.Addr, ""))                // taken
	do(b.Move("image.none", "image.x", ""))         // unknown
	do(b.Move(a1.Addr, "", ""))                     // empty
	do(b.Move(a1.Addr, "image.moved", "moved.png")) //
	do(b.Forget(a0.Addr))                           //
	do(b.Forget(a0.Addr))                           // nothing
	do(b.Forget(a2.Addr))                           // its pending entry
	do(b.SetFiles(nil))                             //
	do(b.SetFiles(map[string]FileHash{"a.png": {Size: 1, SHA256: "x"}, "b.png": {Size: 2, SHA256: "y"}}))
	do(b.SetFiles(map[string]FileHash{"a.png": {}})) // removes a.png
	do(b.RecordDone(a2))                             //
	return got
}

// TestMemoryIsTheStore: Memory, the reference of what Backend's calls
// mean, answers every call as the local Store does and ends in the same
// state.
func TestMemoryIsTheStore(t *testing.T) {
	st := openStore(t, afero.NewMemMapFs(), "/spec")
	defer st.Close()
	m := NewMemory(nil)
	gotStore, gotMem := backendScript(st), backendScript(m)
	if diff := cmp.Diff(gotStore, gotMem); diff != "" {
		t.Errorf("answers (-Store +Memory):\n%s", diff)
	}
	nils := 0
	for _, e := range gotStore {
		if e == "<nil>" {
			nils++
		}
	}
	if nils == len(gotStore) || nils < len(gotStore)/2 {
		t.Fatalf("got %d of %d calls without error: the script must make valid and invalid calls", nils, len(gotStore))
	}
	want, got := st.State(), m.State()
	want.Lineage, want.Serial, got.Lineage, got.Serial = "", 0, "", 0
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state (-Store +Memory):\n%s", diff)
	}
	if len(got.Assets) != 2 || len(got.Files) != 1 || got.Models["google/gempix2"].Tasks != 3 {
		t.Errorf("got %d assets, %d files, %+v: the script did not run as written", len(got.Assets), len(got.Files), got.Models)
	}
	must(t, m.Close())
	if err := m.Forget(testAsset(2).Addr); err == nil {
		t.Errorf("Forget after Close: got no error")
	}
}

// TestWithLockfile: a backend wrapped by WithLockfile writes at Close the
// lockfile the local Store writes, byte for byte, on a fresh clone whose
// images only the lockfile knows (forgotten, moved, left alone).
func TestWithLockfile(t *testing.T) {
	committed := func() afero.Fs {
		fs := afero.NewMemMapFs()
		st := openStore(t, fs, "/spec")
		for i := range 4 {
			must(t, st.RecordDone(testAsset(i)))
		}
		must(t, st.Close())
		must(t, fs.RemoveAll("/spec/.pixform")) // a fresh clone
		return fs
	}
	calls := func(b Backend) {
		must(t, b.RecordDone(testAsset(4)))
		must(t, b.Forget(testAsset(0).Addr))
		must(t, b.Move(testAsset(1).Addr, "image.moved", "moved.png"))
		if err := b.Move(testAsset(2).Addr, testAsset(4).Addr, ""); err == nil {
			t.Errorf("%T: Move onto an image in the state: got no error", b)
		}
	}

	fsLocal := committed()
	st := openStore(t, fsLocal, "/spec")
	calls(st)
	must(t, st.Close())
	want := readFile(t, fsLocal, "/spec/"+LockfileName)

	fs := committed()
	before := readFile(t, fs, "/spec/"+LockfileName)
	m := NewMemory(nil)
	b, err := WithLockfile(fs, "/spec", m)
	must(t, err)
	calls(b)
	if got := readFile(t, fs, "/spec/"+LockfileName); string(got) != string(before) {
		t.Errorf("got the lockfile written before Close, want it at Close")
	}
	must(t, b.Close())
	if got := readFile(t, fs, "/spec/"+LockfileName); string(got) != string(want) {
		t.Errorf("got lockfile\n%s\nwant the local Store's\n%s", got, want)
	}
	if a := m.State().Assets["image.moved"]; a == nil || a.Output != "moved.png" || a.SHA256 != testAsset(1).SHA256 {
		t.Errorf("got %+v in the backend, want the moved image of the lockfile, so that it outlives a crash", a)
	}
	must(t, b.Close()) // twice: nothing
}
