package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// promptOf loads a spec whose image.p has the given prompt expression and
// returns the evaluated prompt.
func promptOf(t *testing.T, decls, prompt string, extra map[string]string, opts LoadOptions) string {
	t.Helper()
	files := map[string]string{"main.pix.hcl": decls + "\nimage \"p\" {\n  prompt = " + prompt + "\n  output = \"p.png\"\n}\n"}
	for k, v := range extra {
		files[k] = v
	}
	s := mustLoad(t, files, opts)
	return s.Asset("image.p").Prompt
}

func TestVariablePrecedence(t *testing.T) {
	const decl = `variable "style" {
  default = "default"
}`
	files := map[string]string{
		"one.pixvars":       `style = "file one"`,
		"two.pixvars":       `style = "file two"`,
		"vars/three.json":   `{"style": "json file"}`,
		"unrelated.pixvars": `# nothing`,
	}
	tests := []struct {
		name string
		opts LoadOptions
		want string
	}{
		{"default", LoadOptions{}, "default"},
		{"env over default", LoadOptions{Env: env(map[string]string{"PIXFORM_VAR_style": "env"})}, "env"},
		{"var-file over env", LoadOptions{
			Env:      env(map[string]string{"PIXFORM_VAR_style": "env"}),
			VarFiles: []string{"one.pixvars"},
		}, "file one"},
		{"later var-file wins", LoadOptions{VarFiles: []string{"one.pixvars", "two.pixvars", "unrelated.pixvars"}}, "file two"},
		{"json var-file, absolute path", LoadOptions{VarFiles: []string{"/spec/vars/three.json"}}, "json file"},
		{"-var over var-file", LoadOptions{
			VarFiles: []string{"one.pixvars"},
			Vars:     []string{"style=cli one", "style=cli = two"},
		}, "cli = two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := promptOf(t, decl, "var.style", files, tt.opts); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVariableTypes(t *testing.T) {
	tests := []struct {
		name, decl, prompt string
		opts               LoadOptions
		want               string
	}{
		{
			name:   "number from -var is converted",
			decl:   `variable "n" { type = number }`,
			prompt: `"${var.n + 1}"`,
			opts:   LoadOptions{Vars: []string{"n=41"}},
			want:   "42",
		},
		{
			name:   "untyped -var is a raw string",
			decl:   `variable "s" {}`,
			prompt: `var.s`,
			opts:   LoadOptions{Vars: []string{`s=["not", "a list"]`}},
			want:   `["not", "a list"]`,
		},
		{
			name:   "list from -var is parsed as HCL",
			decl:   `variable "l" { type = list(string) }`,
			prompt: `join("+", var.l)`,
			opts:   LoadOptions{Vars: []string{`l=["a", "b"]`}},
			want:   "a+b",
		},
		{
			name:   "map from the environment is parsed as HCL",
			decl:   `variable "m" { type = map(number) }`,
			prompt: `"${var.m.x * 2}"`,
			opts:   LoadOptions{Env: env(map[string]string{"PIXFORM_VAR_m": `{ x = 21 }`})},
			want:   "42",
		},
		{
			name: "object with optional attributes takes defaults",
			decl: `variable "o" {
  type = object({ name = string, mood = optional(string, "calm") })
  default = { name = "ada" }
}`,
			prompt: `"${var.o.name} is ${var.o.mood}"`,
			want:   "ada is calm",
		},
		{
			name:   "bool default converted to string type",
			decl:   "variable \"b\" {\n  type    = string\n  default = true\n}",
			prompt: `var.b`,
			want:   "true",
		},
		{
			name: "validation passes",
			decl: `variable "size" {
  type    = string
  default = "2k"
  validation {
    condition     = contains(["1k", "2k"], var.size)
    error_message = "Size must be 1k or 2k."
  }
  validation {
    condition     = can(regex("k$", var.size))
    error_message = "Size ends in k."
  }
}`,
			prompt: `var.size`,
			want:   "2k",
		},
		{
			name:   "null default is a value",
			decl:   `variable "n" { default = null }`,
			prompt: `var.n == null ? "null" : "set"`,
			want:   "null",
		},
		{
			name:   "locals in dependency order",
			decl:   "variable \"v\" { default = \"v\" }\nlocals {\n  c = \"${local.b}c\"\n}\nlocals {\n  b = \"${local.a}b\"\n  a = \"${var.v}a\"\n}",
			prompt: `local.c`,
			want:   "vabc",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := promptOf(t, tt.decl, tt.prompt, nil, tt.opts); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVariableErrors(t *testing.T) {
	const decl = `variable "n" {
  type = number
  validation {
    condition     = var.n < 10
    error_message = "N must be under ${10}."
  }
}
variable "l" {
  type    = list(string)
  default = []
}
image "p" {
  prompt = "${var.n}${length(var.l)}"
  output = "p.png"
}
`
	tests := []struct {
		name       string
		opts       LoadOptions
		files      map[string]string
		want       []string // summaries
		wantDetail string
		wantLine   int // of the first diagnostic; 0 for none
		wantAsset  bool
	}{
		{name: "missing", want: []string{"No value for required variable"}, wantLine: 1},
		{name: "undeclared -var", opts: LoadOptions{Vars: []string{"n=1", "nn=2"}}, want: []string{"Value for undeclared variable"}, wantDetail: `Did you mean "n"?`, wantAsset: true},
		{name: "malformed -var", opts: LoadOptions{Vars: []string{"n=1", "justaname"}}, want: []string{"Invalid -var option"}, wantAsset: true},
		{name: "not a number", opts: LoadOptions{Vars: []string{"n=ten"}}, want: []string{"Invalid value for variable"}, wantLine: 1},
		{name: "bad list syntax", opts: LoadOptions{Vars: []string{"n=1", "l=[a"}}, want: []string{"Invalid value for variable"}, wantLine: 8},
		{name: "list refers to a variable", opts: LoadOptions{Vars: []string{"n=1", "l=[var.n]"}}, want: []string{"Invalid value for variable"}, wantLine: 8},
		{name: "fails validation", opts: LoadOptions{Vars: []string{"n=12"}}, want: []string{"Invalid value for variable"}, wantDetail: "N must be under 10.", wantLine: 1},
		{
			name:     "var-file: undeclared and wrong type",
			opts:     LoadOptions{VarFiles: []string{"bad.pixvars"}},
			files:    map[string]string{"bad.pixvars": "n = 1\nl = \"x\"\nnope = 3\n"},
			want:     []string{"Invalid value for variable", "Value for undeclared variable"},
			wantLine: 2,
		},
		{name: "missing var-file", opts: LoadOptions{Vars: []string{"n=1"}, VarFiles: []string{"gone.pixvars"}}, want: []string{"Cannot read a variables file"}, wantAsset: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"main.pix.hcl": decl}
			for k, v := range tt.files {
				files[k] = v
			}
			s, diags := loadFiles(t, files, tt.opts)
			var got []string
			for _, d := range diags {
				got = append(got, d.Summary)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("got diagnostics differing (-want +got):\n%s\n%s", diff, diagText(s, diags))
			}
			if !strings.Contains(diags[0].Detail, tt.wantDetail) {
				t.Errorf("got detail %q, want it to contain %q", diags[0].Detail, tt.wantDetail)
			}
			line := 0
			if diags[0].Subject != nil {
				line = diags[0].Subject.Start.Line
			}
			if line != tt.wantLine {
				t.Errorf("got first diagnostic at line %d, want %d", line, tt.wantLine)
			}
			if got := s.Asset("image.p") != nil; got != tt.wantAsset {
				t.Errorf("got image.p present %v, want %v", got, tt.wantAsset)
			}
		})
	}
}
