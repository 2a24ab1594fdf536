package spec

import (
	"strings"
	"testing"
)

// TestDeepNesting: a source nested deeper than maxNesting is refused with a
// diagnostic before HCL parses it (which would overflow the stack), wherever
// pixform parses HCL: spec files, templates, -var values, -var-files, fmt.
func TestDeepNesting(t *testing.T) {
	deep := strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000)
	t.Run("spec file", func(t *testing.T) {
		s, diags := loadFiles(t, map[string]string{"main.pix.hcl": "locals {\n  x = " + deep + "\n}\n"}, LoadOptions{})
		if !diags.HasErrors() || diags[0].Summary != "Nesting too deep" || diags[0].Subject.Start.Line != 2 {
			t.Errorf("got %s, want Nesting too deep at line 2", diagText(s, diags))
		}
	})
	t.Run("template", func(t *testing.T) {
		files := map[string]string{
			"t.tmpl":       "${" + deep + "}",
			"main.pix.hcl": "image \"p\" {\n  prompt = templatefile(\"t.tmpl\", {})\n  output = \"p.png\"\n}\n",
		}
		s, diags := loadFiles(t, files, LoadOptions{})
		if !diags.HasErrors() || !strings.Contains(diagText(s, diags), "Nesting too deep") {
			t.Errorf("got %s, want Nesting too deep", diagText(s, diags))
		}
	})
	decl := "variable \"v\" {\n  type = number\n}\nimage \"p\" {\n  prompt = \"p ${var.v}\"\n  output = \"p.png\"\n}\n"
	t.Run("-var", func(t *testing.T) {
		decl := strings.Replace(decl, "type = number", "type = list(number)", 1)
		decl = strings.Replace(decl, "${var.v}", "${var.v[0]}", 1)
		s, diags := loadFiles(t, map[string]string{"main.pix.hcl": decl}, LoadOptions{Vars: []string{"v=[" + deep + "]"}})
		if !diags.HasErrors() || !strings.Contains(diagText(s, diags), "Nesting too deep") {
			t.Errorf("got %s, want Nesting too deep", diagText(s, diags))
		}
	})
	t.Run("-var-file", func(t *testing.T) {
		files := map[string]string{"main.pix.hcl": decl, "deep.pixvars.hcl": "v = " + deep + "\n"}
		s, diags := loadFiles(t, files, LoadOptions{VarFiles: []string{"deep.pixvars.hcl"}})
		if !diags.HasErrors() || diags[0].Summary != "Nesting too deep" {
			t.Errorf("got %s, want Nesting too deep", diagText(s, diags))
		}
	})
	t.Run("fmt", func(t *testing.T) {
		if out, diags := FormatFile([]byte("locals {\n  x = "+deep+"\n}\n"), "main.pix.hcl"); out != nil || !diags.HasErrors() || diags[0].Summary != "Nesting too deep" {
			t.Errorf("got %v, want Nesting too deep", diags)
		}
	})
	t.Run("at the bound", func(t *testing.T) {
		ok := strings.Repeat("(", maxNesting-2) + "\"x\"" + strings.Repeat(")", maxNesting-2)
		mustLoad(t, map[string]string{"main.pix.hcl": "image \"p\" {\n  prompt = " + ok + "\n  output = \"p.png\"\n}\n"}, LoadOptions{})
	})
	t.Run("brackets in strings and comments", func(t *testing.T) {
		src := "# (((( ]]]]\nimage \"p\" {\n  prompt = \"" + strings.Repeat(")", 500) + strings.Repeat("(", maxNesting-10) + "\"\n  output = \"p.png\"\n}\n"
		mustLoad(t, map[string]string{"main.pix.hcl": src}, LoadOptions{})
	})
}

// TestInvalidUTF8Prompt: a prompt that is not UTF-8 says so, instead of
// "Empty prompt", whether it comes from the spec file or from a variable.
func TestInvalidUTF8Prompt(t *testing.T) {
	s, diags := loadFiles(t, map[string]string{"main.pix.hcl": "image \"p\" {\n  prompt = \"\xff\xfe\"\n  output = \"p.png\"\n}\n"}, LoadOptions{})
	if len(diags) != 1 || diags[0].Summary != "Invalid UTF-8" || !strings.Contains(diags[0].Detail, "0xFF at line 2, column 13") {
		t.Errorf("got %s, want one Invalid UTF-8 naming the byte", diagText(s, diags))
	}
	src := "variable \"v\" {}\nimage \"p\" {\n  prompt = \"a ${var.v}\"\n  output = \"p.png\"\n}\n"
	s, diags = loadFiles(t, map[string]string{"main.pix.hcl": src}, LoadOptions{Vars: []string{"v=caf\xe9"}})
	if len(diags) != 1 || diags[0].Summary != "Prompt not UTF-8" {
		t.Errorf("got %s, want Prompt not UTF-8", diagText(s, diags))
	}
}

// TestImageSizeAnyCase: the service takes any case; the spec keeps one
// spelling, so that "2K" and "2k" make the same request and fingerprint.
func TestImageSizeAnyCase(t *testing.T) {
	for _, size := range []string{"2K", "2k"} {
		s := mustLoad(t, map[string]string{"main.pix.hcl": "image \"p\" {\n  prompt = \"p\"\n  image_size = \"" + size + "\"\n  output = \"p.png\"\n}\n"}, LoadOptions{})
		if got := s.Asset("image.p").ImageSize; got != "2k" {
			t.Errorf("image_size %q: got %q, want \"2k\"", size, got)
		}
	}
}
