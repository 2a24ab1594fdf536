package pgstate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"

	"github.com/pixform/pixform/state"
)

// TestFilesRoundTrip: the file-hash cache of pg applies reads back as
// written; an absent or foreign file is an empty cache.
func TestFilesRoundTrip(t *testing.T) {
	fs := afero.NewMemMapFs()
	if got := LoadFiles(fs, "/spec"); len(got) != 0 {
		t.Fatalf("LoadFiles of nothing = %v, want empty", got)
	}
	want := map[string]state.FileHash{"a.png": {Size: 3, ModTime: 42, Inode: 7, SHA256: "s", Format: "png"}}
	if err := SaveFiles(fs, "/spec", want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, LoadFiles(fs, "/spec")); diff != "" {
		t.Errorf("LoadFiles (-want +got):\n%s", diff)
	}
	if err := afero.WriteFile(fs, "/spec/"+FilesName, []byte(`{"version":99,"files":{"a.png":{}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := LoadFiles(fs, "/spec"); len(got) != 0 {
		t.Errorf("LoadFiles of another version = %v, want empty", got)
	}
}
