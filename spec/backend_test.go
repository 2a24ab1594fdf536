package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestBackend(t *testing.T) {
	const image = "image \"logo\" {\n  prompt = \"a logo\"\n  output = \"logo.png\"\n}\n"
	tests := []struct {
		name string
		src  string
		want *Backend
	}{
		{"none: the local directory", image, nil},
		{"local", "pixform {\n  backend \"local\" {}\n}\n" + image, nil},
		{"pg, default schema", "pixform {\n  backend \"pg\" {}\n}\n" + image, &Backend{Type: BackendPG}},
		{"pg with schema", "pixform {\n  backend \"pg\" {\n    schema = \"team_art\"\n  }\n}\n" + image, &Backend{Type: BackendPG, Schema: "team_art"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustLoad(t, map[string]string{"main.pix.hcl": tt.src}, LoadOptions{})
			if diff := cmp.Diff(tt.want, s.Backend, cmpopts.IgnoreFields(Backend{}, "Range")); diff != "" {
				t.Errorf("got backend diff (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBackendNotFromVariables: a backend is chosen before variables have
// values, so its arguments must be literal.
func TestBackendNotFromVariables(t *testing.T) {
	src := "variable \"s\" {\n  default = \"x\"\n}\npixform {\n  backend \"pg\" {\n    schema = var.s\n  }\n}\n"
	_, diags := loadFiles(t, map[string]string{"main.pix.hcl": src}, LoadOptions{})
	if !diags.HasErrors() || diags[0].Summary != "Backend arguments must be literal" {
		t.Fatalf("got %v, want the error Backend arguments must be literal", diags)
	}
}

func TestReadBackend(t *testing.T) {
	src := "variable \"v\" {}\npixform {\n  backend \"pg\" {\n    schema = \"art\"\n  }\n}\nimage \"a\" {\n  prompt = var.v\n  output = \"a.png\"\n}\n"
	be, diags := ReadBackend(memFS(t, map[string]string{"main.pix.hcl": src}), testDir)
	if diags.HasErrors() {
		t.Fatalf("got %v, want no errors (a variable without value does not matter)", diags)
	}
	if be == nil || be.Type != BackendPG || be.Schema != "art" {
		t.Fatalf("got %+v, want the pg backend on schema art", be)
	}
}

// TestBackendRefusesConnection: a connection string or password in the
// spec is refused, and the diagnostic names its place without a source
// range, so that printing it never shows the password.
func TestBackendRefusesConnection(t *testing.T) {
	for _, arg := range []string{"conn", "password", "conn_str", "host"} {
		t.Run(arg, func(t *testing.T) {
			src := "pixform {\n  backend \"pg\" {\n    " + arg + " = \"hunter2\"\n  }\n}\n"
			_, diags := loadFiles(t, map[string]string{"main.pix.hcl": src}, LoadOptions{})
			if len(diags) != 1 || diags[0].Summary != "Connection settings in a spec file" {
				t.Fatalf("got %v, want one error Connection settings in a spec file", diags)
			}
			d := diags[0]
			if d.Subject != nil || !strings.Contains(d.Detail, "main.pix.hcl:3") || !strings.Contains(d.Detail, EnvPGConn) || strings.Contains(d.Detail, "hunter2") {
				t.Errorf("got subject %v, detail %q; want no subject, a detail naming main.pix.hcl:3 and %s, without the value", d.Subject, d.Detail, EnvPGConn)
			}
		})
	}
}
