package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// TestFileFunctionsConfined: every function that reads the disk refuses a
// path outside the spec directory (absolute, "..", or through a symbolic
// link that leads out), at the call, and never shows what is outside.
func TestFileFunctionsConfined(t *testing.T) {
	root := t.TempDir()
	dir, outside := filepath.Join(root, "spec"), filepath.Join(root, "outside")
	for _, d := range []string{filepath.Join(dir, "real"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "v.txt"), "OUTSIDESECRET")
	write(filepath.Join(dir, "real", "in.txt"), "inside")
	write(filepath.Join(dir, "t.tmpl"), `${file("../outside/v.txt")}`)
	links := map[string]string{
		"pw.txt":    filepath.Join(outside, "v.txt"), // absolute, outside
		"rel.txt":   "../outside/v.txt",
		"linkdir":   outside,
		"ok.txt":    "real/in.txt", // inside: allowed
		"okdir":     "real",
		"t2.tmpl":   "../outside/v.txt",
		"chain.txt": "rel.txt",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skipf("cannot make symbolic links here: %v", err)
		}
	}
	outsideAbs := filepath.ToSlash(filepath.Join(outside, "v.txt"))
	refused := []string{
		`file("` + outsideAbs + `")`,
		`file("/etc/passwd")`,
		`file("../outside/v.txt")`,
		`file("real/../../outside/v.txt")`,
		`file("pw.txt")`,
		`file("rel.txt")`,
		`file("chain.txt")`,
		`file("linkdir/v.txt")`,
		`filesha256("pw.txt")`,
		`filemd5("../outside/v.txt")`,
		`tostring(fileexists("` + outsideAbs + `"))`,
		`tostring(fileexists("linkdir/v.txt"))`,
		`join(",", fileset("` + filepath.ToSlash(outside) + `", "*"))`,
		`join(",", fileset("..", "*"))`,
		`join(",", fileset("linkdir", "*"))`,
		`templatefile("` + outsideAbs + `", {})`,
		`templatefile("t2.tmpl", {})`,
		`templatefile("t.tmpl", {})`, // a file call inside the template
	}
	load := func(prompt string) (*Spec, string, bool) {
		src := "image \"p\" {\n  prompt = " + prompt + "\n  output = \"p.png\"\n}\n"
		write(filepath.Join(dir, "main.pix.hcl"), src)
		s, diags := Load(afero.NewOsFs(), dir, LoadOptions{})
		text := diagText(s, diags)
		if !diags.HasErrors() || diags[0].Summary != "File outside the spec directory" || diags[0].Subject == nil {
			return s, text, false
		}
		// The diagnostic points at the whole call of the file function.
		call := src[diags[0].Subject.Start.Byte:diags[0].Subject.End.Byte]
		name, _, _ := strings.Cut(call, "(")
		ok := strings.HasPrefix(name, "file") || name == "templatefile"
		return s, text, ok && diags[0].Subject.Start.Line == 2 && strings.HasSuffix(call, ")")
	}
	for _, call := range refused {
		t.Run(call, func(t *testing.T) {
			s, text, ok := load(`"[${` + call + `}]"`)
			if !ok {
				t.Errorf("got %s, want File outside the spec directory at the call of the file function", text)
			}
			if strings.Contains(text, "OUTSIDESECRET") || (s != nil && len(s.Assets) > 0) {
				t.Errorf("the outside file was read:\n%s", text)
			}
		})
	}
	allowed := map[string]string{
		`file("ok.txt")`:                    "inside",
		`file("real/../real/in.txt")`:       "inside",
		`file("okdir/in.txt")`:              "inside",
		`tostring(fileexists("ok.txt"))`:    "true",
		`join(",", fileset("okdir", "*"))`:  "in.txt",
		`join(",", fileset(".", "real/*"))`: "real/in.txt",
	}
	for call, want := range allowed {
		t.Run(call, func(t *testing.T) {
			s, text, _ := load(`"[${` + call + `}]"`)
			if s == nil || len(s.Assets) != 1 || s.Assets[0].Prompt != "["+want+"]" {
				t.Errorf("got %s, want the prompt [%s]", text, want)
			}
		})
	}
}

// TestFileFunctionSensitivePath: an error about a path that derives from a
// sensitive variable does not show the path, and what a file function
// returns for it stays sensitive.
func TestFileFunctionSensitivePath(t *testing.T) {
	const decl = `variable "secret" {
  type      = string
  default   = "SECRETNAME.txt"
  sensitive = true
}
`
	for _, call := range []string{`file(var.secret)`, `filesha256(var.secret)`, `tostring(fileexists("/${var.secret}"))`, `templatefile(var.secret, {})`, `join(",", fileset(var.secret, "*"))`, `file("../${var.secret}")`} {
		t.Run(call, func(t *testing.T) {
			files := map[string]string{"main.pix.hcl": decl + "image \"p\" {\n  prompt = \"[${" + call + "}]\"\n  output = \"p.png\"\n}\n"}
			s, diags := loadFiles(t, files, LoadOptions{})
			text := diagText(s, diags)
			if strings.Contains(text, "SECRETNAME") {
				t.Errorf("the diagnostics show the sensitive path:\n%s", text)
			}
		})
	}
	files := map[string]string{"SECRETNAME.txt": "content", "main.pix.hcl": decl + "image \"p\" {\n  prompt = file(var.secret)\n  output = \"p.png\"\n}\n"}
	if a := mustLoad(t, files, LoadOptions{}).Asset("image.p"); !a.Sensitive || a.Prompt != "content" {
		t.Errorf("got prompt %q, sensitive %v; want \"content\", sensitive", a.Prompt, a.Sensitive)
	}
}

// TestEnvRefusesSecrets: env() does not read a credential, by its name (in
// any case) or through another variable holding its value; the diagnostic
// names the variable, never the value.
func TestEnvRefusesSecrets(t *testing.T) {
	environ := env(map[string]string{
		"DEFAPI_API_KEY":  "dk-SECRETKEY",
		"PIXFORM_PG_CONN": "postgres://u:SECRETPW@h/db",
		"MY_COPY":         "dk-SECRETKEY",
		"STYLE":           "flat",
	})
	for _, call := range []string{`env("DEFAPI_API_KEY")`, `env("defapi_api_key")`, `env("PIXFORM_PG_CONN")`, `env("MY_COPY")`, `env(upper("defapi_api_key"))`} {
		t.Run(call, func(t *testing.T) {
			files := map[string]string{"main.pix.hcl": "image \"p\" {\n  prompt = \"a ${" + call + "}\"\n  output = \"p.png\"\n}\n"}
			s, diags := loadFiles(t, files, LoadOptions{Env: environ})
			text := diagText(s, diags)
			if !diags.HasErrors() || diags[0].Summary != "Secret environment variable" || diags[0].Subject.Start.Line != 2 {
				t.Errorf("got %s, want Secret environment variable at line 2", text)
			}
			if strings.Contains(text, "SECRET") {
				t.Errorf("the diagnostics show the secret:\n%s", text)
			}
		})
	}
	files := map[string]string{"main.pix.hcl": "image \"p\" {\n  prompt = \"a ${env(\"STYLE\")} ${env(\"UNSET\")}\"\n  output = \"p.png\"\n}\n"}
	if got := mustLoad(t, files, LoadOptions{Env: environ}).Asset("image.p").Prompt; got != "a flat " {
		t.Errorf("got prompt %q, want %q", got, "a flat ")
	}
}

// TestFileFunctionsInParallel: file functions of a block of many instances
// run on every CPU (parallel.go) and share the symbolic-link cache; run
// with -race.
func TestFileFunctionsInParallel(t *testing.T) {
	dir := t.TempDir()
	for i := range 8 {
		sub := filepath.Join(dir, "d", string(rune('a'+i)))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, "p.txt"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := "image \"p\" {\n  count  = 200\n  prompt = \"${file(\"d/${substr(\"abcdefgh\", count.index % 8, 1)}/p.txt\")} ${fileexists(\"/etc/passwd\") ? 1 : 0}\"\n  output = \"${count.index}.png\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.pix.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, diags := Load(afero.NewOsFs(), dir, LoadOptions{})
	if len(diags) != 1 || diags[0].Summary != "File outside the spec directory" {
		t.Errorf("got %s, want one File outside the spec directory", diagText(s, diags))
	}
}

func TestFileFunctionInvalidPath(t *testing.T) {
	for _, call := range []string{`file("")`, `file("a\\b.txt")`, `file("a\nb.txt")`} {
		files := map[string]string{"main.pix.hcl": "image \"p\" {\n  prompt = " + call + "\n  output = \"p.png\"\n}\n"}
		s, diags := loadFiles(t, files, LoadOptions{})
		if !diags.HasErrors() || diags[0].Summary != "Invalid file path" {
			t.Errorf("%s: got %s, want Invalid file path", call, diagText(s, diags))
		}
	}
}
