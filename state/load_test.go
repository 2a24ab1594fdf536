package state

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/afero"
)

func TestLoadMissing(t *testing.T) {
	got, err := Load(afero.NewMemMapFs(), "/spec")
	must(t, err)
	if diff := cmp.Diff(New(), got, ignoreID); diff != "" {
		t.Errorf("Load of a missing state (-want +got):\n%s", diff)
	}
	if got.Lineage == "" || got.Serial != 0 {
		t.Errorf("got lineage %q serial %d, want a lineage and serial 0", got.Lineage, got.Serial)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		state string
		want  []string // substrings of the error
	}{
		{
			name:  "unknown version",
			state: `{"version": 7, "serial": 3, "lineage": "x"}`,
			want:  []string{"state file .pixform/state.json has version 7, but this pixform reads version 1: upgrade pixform"},
		},
		{
			name:  "truncated",
			state: "{\n  \"version\": 1,\n  \"serial\": 3,\n  \"assets\": {",
			want:  []string{".pixform/state.json is corrupt", "unexpected end of JSON input", "cp .pixform/state.json.backup .pixform/state.json", "move .pixform/state.json aside"},
		},
		{
			name:  "garbage",
			state: "{\n  \"version\": 1,\n  oops\n}",
			want:  []string{".pixform/state.json is corrupt", "at line 3", ".pixform/state.json.backup"},
		},
		{
			name:  "empty",
			state: "",
			want:  []string{".pixform/state.json is corrupt", ".pixform/state.json.backup"},
		},
		{
			name:  "no version",
			state: `{"serial": 3, "lineage": "x"}`,
			want:  []string{"corrupt (it has no version)", ".pixform/state.json.backup"},
		},
		{
			name:  "version 0",
			state: `{"version": 0, "lineage": "x"}`,
			want:  []string{"corrupt (version 0, which no pixform writes)"},
		},
		{
			name:  "no lineage",
			state: `{"version": 1, "serial": 3}`,
			want:  []string{"corrupt (it has no lineage)"},
		},
		{
			name:  "wrong type",
			state: "{\"version\": 1,\n\"lineage\": \"x\",\n\"serial\": \"three\"}",
			want:  []string{"corrupt", "at line 3", ".pixform/state.json.backup"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := afero.NewMemMapFs()
			must(t, afero.WriteFile(fs, "/spec/"+StateFile, []byte(tt.state), 0o644))
			_, err := Load(fs, "/spec")
			if err == nil {
				t.Fatalf("got no error, want one")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got error %q, want it to contain %q", err, w)
				}
			}
			// Open refuses too, and leaves no lock behind.
			if _, err := Open(fs, "/spec", LockOptions{}); err == nil {
				t.Errorf("got no error from Open, want one")
			}
			if exists(t, fs, "/spec/"+LockFile) {
				t.Errorf("got a lock left by a failed Open")
			}
			if got := readFile(t, fs, "/spec/"+StateFile); string(got) != tt.state {
				t.Errorf("got state.json changed by a failed Open")
			}
		})
	}
}
