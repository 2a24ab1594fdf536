package state

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"
)

const goldenLock = `# This file is maintained by pixform. Commit it; do not edit it by hand.

image "image.hero[\"knight\"]" {
  output      = "sprites/knight.png"
  sha256      = "aa"
  fingerprint = "bb"
  model       = "google/gempix2"
}

image "image.logo" {
  output      = "web/logo.png"
  sha256      = "cc"
  fingerprint = "dd"
  model       = "google/gempix2"
}
`

func TestWriteLockGolden(t *testing.T) {
	fs := afero.NewMemMapFs()
	l := &Lock{Images: []LockImage{
		{Addr: "image.logo", Output: "web/logo.png", SHA256: "cc", Fingerprint: "dd", Model: "google/gempix2"},
		{Addr: `image.hero["knight"]`, Output: "sprites/knight.png", SHA256: "aa", Fingerprint: "bb", Model: "google/gempix2"},
	}}
	must(t, WriteLock(fs, "/spec", l))
	if diff := cmp.Diff(goldenLock, string(readFile(t, fs, "/spec/"+LockfileName))); diff != "" {
		t.Errorf("lockfile (-want +got):\n%s", diff)
	}
}

func TestLockRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		lock *Lock
	}{
		{"empty", &Lock{}},
		{"one", &Lock{Images: []LockImage{{Addr: "image.logo", Output: "web/logo.png", SHA256: hash(1), Fingerprint: hash(2), Model: "google/gempix2"}}}},
		{"awkward strings", &Lock{Images: []LockImage{
			{Addr: `image.a["${x} %{y}"]`, Output: `dir with spaces/back\slash "q".png`, SHA256: "", Fingerprint: "\t\n", Model: "ünïcode/模型"},
			{Addr: `image.b[3]`, Output: "b.png"},
		}}},
		{"many", LockFrom(func() *State {
			s := New()
			for i := range 50 {
				a := testAsset(i)
				s.Assets[a.Addr] = &a
			}
			return s
		}())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := afero.NewMemMapFs()
			must(t, WriteLock(fs, "/spec", tt.lock))
			first := readFile(t, fs, "/spec/"+LockfileName)
			got, err := ReadLock(fs, "/spec")
			must(t, err)
			if diff := cmp.Diff(tt.lock, got, cmp.Comparer(func(a, b []LockImage) bool { return len(a) == len(b) && (len(a) == 0 || cmp.Equal(a, b)) })); diff != "" {
				t.Errorf("ReadLock(WriteLock(l)) (-want +got):\n%s", diff)
			}
			must(t, WriteLock(fs, "/spec", got))
			if second := readFile(t, fs, "/spec/"+LockfileName); string(second) != string(first) {
				t.Errorf("got a different file from the same lock:\n%s\nthen\n%s", first, second)
			}
		})
	}
}

func TestLockFrom(t *testing.T) {
	s := New()
	for _, i := range []int{3, 1, 2} {
		a := testAsset(i)
		s.Assets[a.Addr] = &a
	}
	var got []string
	for _, img := range LockFrom(s).Images {
		got = append(got, img.Addr)
	}
	want := []string{testAsset(1).Addr, testAsset(2).Addr, testAsset(3).Addr}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LockFrom addresses (-want +got):\n%s", diff)
	}
	a := testAsset(1)
	if diff := cmp.Diff(LockImage{Addr: a.Addr, Output: a.Output, SHA256: a.SHA256, Fingerprint: a.Fingerprint, Model: a.Model}, LockFrom(s).Images[0]); diff != "" {
		t.Errorf("LockFrom image (-want +got):\n%s", diff)
	}
}

func TestReadLockMissing(t *testing.T) {
	got, err := ReadLock(afero.NewMemMapFs(), "/spec")
	must(t, err)
	if len(got.Images) != 0 {
		t.Errorf("got %d images from a missing lockfile, want 0", len(got.Images))
	}
}

func TestReadLockErrors(t *testing.T) {
	const img = "image \"image.a\" {\n  output = \"a.png\"\n  sha256 = \"x\"\n  fingerprint = \"y\"\n  model = \"m\"\n}\n"
	tests := []struct {
		name, src, want string
	}{
		{"syntax", "# header\nimage \"image.a\" {\n  output = \n}\n", "pixform.lock.hcl:3: "},
		{"unknown attribute", "\n" + strings.Replace(img, "  model", "  colour = \"red\"\n  model", 1), `pixform.lock.hcl:6: unsupported attribute: An image block has only output, sha256, fingerprint, model, not "colour"`},
		{"missing attribute", strings.Replace(img, "  sha256 = \"x\"\n", "", 1), "pixform.lock.hcl:1: missing attribute: The image block of image.a has no sha256"},
		{"number", strings.Replace(img, `"x"`, "3", 1), "pixform.lock.hcl:3: invalid value: sha256 must be a string"},
		{"variable", strings.Replace(img, `"x"`, "var.x", 1), "pixform.lock.hcl:3: variables not allowed"},
		{"duplicate", img + img, "pixform.lock.hcl:7: duplicate image: image.a appears twice"},
		{"other block", img + "provider \"x\" {}\n", "pixform.lock.hcl:7: unexpected block"},
		{"no label", "image {\n}\n", "pixform.lock.hcl:1: unexpected block"},
		{"top-level attribute", img + "version = 2\n", "pixform.lock.hcl:7: unexpected attribute"},
		{"nested block", strings.Replace(img, "  model", "  extra {}\n  model", 1), "pixform.lock.hcl:5: unexpected block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := afero.NewMemMapFs()
			must(t, afero.WriteFile(fs, "/spec/"+LockfileName, []byte(tt.src), 0o644))
			_, err := ReadLock(fs, "/spec")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "git checkout pixform.lock.hcl") {
				t.Errorf("got error %v, want one containing %q and what to do", err, tt.want)
			}
		})
	}
}

// TestStoreLockfile checks the lockfile a Store writes: at Close, only when
// it changed, keeping what only a fresh clone's lockfile knows.
func TestStoreLockfile(t *testing.T) {
	fs := afero.NewMemMapFs()
	st := openStore(t, fs, "/spec")
	must(t, st.Close())
	if exists(t, fs, "/spec/"+LockfileName) {
		t.Errorf("got a lockfile for a spec without images, want none")
	}

	st = openStore(t, fs, "/spec")
	for i := range 3 {
		must(t, st.RecordDone(testAsset(i)))
	}
	must(t, st.Close())
	l, err := ReadLock(fs, "/spec")
	must(t, err)
	if diff := cmp.Diff(LockFrom(st.State()), l); diff != "" {
		t.Errorf("lockfile after Close (-LockFrom(state) +file):\n%s", diff)
	}

	// A fresh clone: the committed lockfile and no state.
	committed := readFile(t, fs, "/spec/"+LockfileName)
	must(t, fs.RemoveAll("/spec/.pixform"))
	st = openStore(t, fs, "/spec")
	must(t, st.Close())
	if got := readFile(t, fs, "/spec/"+LockfileName); string(got) != string(committed) {
		t.Errorf("got the lockfile changed by an apply on a fresh clone that did nothing:\n%s", got)
	}
	if st.BytesWritten() != 0 {
		t.Errorf("got %d bytes written, want 0", st.BytesWritten())
	}

	st = openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(3)))
	must(t, st.Forget(testAsset(0).Addr))
	must(t, st.Move(testAsset(1).Addr, "image.moved", "moved.png"))
	want := []LockImage{}
	for _, i := range []int{2, 3} {
		a := testAsset(i)
		want = append(want, LockImage{Addr: a.Addr, Output: a.Output, SHA256: a.SHA256, Fingerprint: a.Fingerprint, Model: a.Model})
	}
	a1 := testAsset(1)
	want = append(want, LockImage{Addr: "image.moved", Output: "moved.png", SHA256: a1.SHA256, Fingerprint: a1.Fingerprint, Model: a1.Model})
	check := func(when string) {
		t.Helper()
		l, err := ReadLock(fs, "/spec")
		must(t, err)
		if diff := cmp.Diff(&Lock{Images: want}, l); diff != "" {
			t.Errorf("lockfile %s (-want +got):\n%s", when, diff)
		}
	}
	// A crash: the next Open learns the forget and the move from the journal.
	crash(t, fs, "/spec", st)
	st = openStore(t, fs, "/spec")
	check("after the fold at Open")
	must(t, st.Close())
	check("after Close")
}

// TestLoadWithLock: after an apply was killed before its fold, the
// lockfile on disk lags behind the journal; LoadWithLock returns the one
// the next apply writes first. Without a journal it returns the lockfile
// as it is (a teammate's pulled one may differ from the state).
func TestLoadWithLock(t *testing.T) {
	fs := afero.NewMemMapFs()
	st := openStore(t, fs, "/spec")
	must(t, st.RecordDone(testAsset(0)))
	must(t, st.RecordDone(testAsset(1)))
	must(t, st.Close())

	st = openStore(t, fs, "/spec")
	must(t, st.Move(testAsset(0).Addr, "image.renamed", ""))
	crash(t, fs, "/spec", st)
	onDisk, err := ReadLock(fs, "/spec")
	must(t, err)
	if !hasImage(onDisk, testAsset(0).Addr) {
		t.Fatalf("the lockfile on disk lacks %s: the test needs it stale", testAsset(0).Addr)
	}
	s, lock, err := LoadWithLock(fs, "/spec")
	must(t, err)
	if s.Assets["image.renamed"] == nil {
		t.Errorf("state: got %v, want image.renamed replayed from the journal", s.Assets)
	}
	if hasImage(lock, testAsset(0).Addr) || !hasImage(lock, "image.renamed") || !hasImage(lock, testAsset(1).Addr) {
		t.Errorf("lockfile after the crash: got %+v, want image.renamed and %s, not %s", lock.Images, testAsset(1).Addr, testAsset(0).Addr)
	}

	// Folded: now the lockfile on disk is returned as it is, even when it
	// differs from the state.
	must(t, openStore(t, fs, "/spec").Close())
	must(t, afero.WriteFile(fs, "/spec/"+LockfileName, []byte{}, 0o644))
	_, lock, err = LoadWithLock(fs, "/spec")
	must(t, err)
	if len(lock.Images) != 0 {
		t.Errorf("got %d lockfile images, want the (empty) lockfile on disk", len(lock.Images))
	}
}

func hasImage(l *Lock, addr string) bool {
	for _, img := range l.Images {
		if img.Addr == addr {
			return true
		}
	}
	return false
}
