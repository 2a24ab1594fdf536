package spec

import (
	"strings"
	"testing"
)

// TestSensitivePrompt checks that a prompt deriving from a sensitive
// variable is flagged, through functions too, and that nothing panics on
// the marked value.
func TestSensitivePrompt(t *testing.T) {
	const decls = `
variable "secret" {
  type      = string
  default   = "SECRETVALUE"
  sensitive = true
}
variable "plain" {
  default = "plain value"
}
variable "secrets" {
  type      = map(string)
  default   = { a = "SECRETVALUE", b = "other" }
  sensitive = true
}
locals {
  via_local = "local ${var.secret}"
}
`
	tests := []struct {
		prompt    string
		want      string // a substring of the prompt
		sensitive bool
	}{
		{`"a ${var.plain}"`, "a plain value", false},
		{`"a literal"`, "a literal", false},
		{`"a ${var.secret}"`, "a SECRETVALUE", true},
		{`var.secret`, "SECRETVALUE", true},
		{`upper(var.secret)`, "SECRETVALUE", true},
		{`format("%s, %s", var.plain, var.secret)`, "plain value, SECRETVALUE", true},
		{`join(" ", [var.plain, var.secret])`, "plain value SECRETVALUE", true},
		{`replace(var.secret, "VALUE", "!")`, "SECRET!", true},
		{`trimspace(lower(var.secret))`, "secretvalue", true},
		{`local.via_local`, "local SECRETVALUE", true},
		{`var.secrets["a"]`, "SECRETVALUE", true},
		{`join(",", values(var.secrets))`, "SECRETVALUE,other", true},
		{`length(var.secret) > 3 ? "long" : "short"`, "long", true},
		{`"%{if var.secret != ""}set%{endif}"`, "set", true},
		{`"%{for k, v in var.secrets}${k}=${v} %{endfor}"`, "a=SECRETVALUE", true},
		{`jsonencode({x = var.secret})`, "SECRETVALUE", true},
		{`coalesce("", var.secret)`, "SECRETVALUE", true},
		{`try(var.secret, "x")`, "SECRETVALUE", true},
	}
	for _, tt := range tests {
		t.Run(tt.prompt, func(t *testing.T) {
			files := map[string]string{"main.pix.hcl": decls + "\nimage \"p\" {\n  prompt = " + tt.prompt + "\n  output = \"p.png\"\n}\n"}
			a := mustLoad(t, files, LoadOptions{}).Asset("image.p")
			if !strings.Contains(a.Prompt, tt.want) {
				t.Errorf("prompt %q, want it to contain %q", a.Prompt, tt.want)
			}
			if a.Sensitive != tt.sensitive {
				t.Errorf("Sensitive = %v, want %v", a.Sensitive, tt.sensitive)
			}
		})
	}
}

// TestSensitiveElsewhere checks that a sensitive value used in other
// arguments, in for_each, count and validation rules neither panics nor
// marks a prompt that does not use it.
func TestSensitiveElsewhere(t *testing.T) {
	files := map[string]string{"main.pix.hcl": `
variable "secret" {
  type      = string
  default   = "secretvalue"
  sensitive = true
  validation {
    condition     = length(var.secret) > 3
    error_message = "Too short: ${var.secret}."
  }
}
variable "names" {
  type      = set(string)
  default   = ["x", "y"]
  sensitive = true
}
variable "n" {
  default   = 2
  sensitive = true
}
image "each" {
  for_each = var.names
  prompt   = "a ${each.key}"
  output   = "${each.value}.png"
  model    = "google/${var.secret == "" ? "none" : "gempix2"}"
}
image "counted" {
  count  = var.n
  prompt = "number ${count.index}"
  output = "out/${var.secret}-${count.index}.png"
  images = [image.each["x"].output]
}
image "ref" {
  prompt = "like ${image.each["x"].prompt}, ${image.counted[0].output}"
  output = "ref.png"
}
`}
	s := mustLoad(t, files, LoadOptions{})
	if got := len(s.Assets); got != 5 {
		t.Fatalf("got %d assets, want 5", got)
	}
	for _, a := range s.Assets {
		if want := a.Addr == "image.ref"; a.Sensitive != want {
			t.Errorf("%s: Sensitive = %v, want %v", a.Addr, a.Sensitive, want)
		}
	}
	if got := s.Asset("image.counted[1]").Output; got != "out/secretvalue-1.png" {
		t.Errorf("output %q", got)
	}

	files["main.pix.hcl"] = strings.Replace(files["main.pix.hcl"], `default   = "secretvalue"`, `default   = "abc"`, 1)
	_, diags := loadFiles(t, files, LoadOptions{})
	text := diagText(nil, diags)
	if !diags.HasErrors() || strings.Contains(text, "Too short: abc") {
		t.Errorf("want a validation error that does not show the value, got:\n%s", text)
	}
}
