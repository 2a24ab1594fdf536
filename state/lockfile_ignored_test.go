package state

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"
)

// TestLockfileKeepsIgnoredInputs: the values lifecycle.ignore_changes keeps
// survive a write and a read of the lockfile, and come from the state.
func TestLockfileKeepsIgnoredInputs(t *testing.T) {
	st := New()
	st.Assets["image.title"] = &Asset{
		Addr: "image.title", Output: "title.png", SHA256: "sha256:aa", Fingerprint: "sha256:bb", Model: "m",
		Inputs:  map[string]string{"prompt": "a \"titel\" screen", "model": "m"},
		Ignored: []string{"prompt"},
	}
	st.Assets["image.logo"] = &Asset{Addr: "image.logo", Output: "logo.png", SHA256: "sha256:cc", Fingerprint: "sha256:dd", Model: "m"}
	want := LockFrom(st)
	fs := afero.NewMemMapFs()
	if err := WriteLock(fs, "/p", want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLock(fs, "/p")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lockfile round trip (-want +got):\n%s", diff)
	}
	if kept := got.Images[1].DecodeIgnored(); kept["prompt"] != "a \"titel\" screen" || len(kept) != 1 {
		t.Errorf("got kept inputs %v, want only the prompt", kept)
	}
	if got.Images[0].Ignored != "" {
		t.Errorf("image.logo has no ignore_changes, but the lockfile kept %q", got.Images[0].Ignored)
	}
}
