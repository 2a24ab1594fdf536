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

// TestSensitiveElsewhere checks that a sensitive value used in count,
// in the values of a for_each map and in validation rules neither panics
// nor marks a prompt that does not use it, and that each.value stays
// sensitive.
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
variable "n" {
  default   = 2
  sensitive = true
}
image "each" {
  for_each = { x = var.secret, y = "plain" }
  prompt   = "a ${each.key}"
  output   = "${each.key}.png"
}
image "valued" {
  for_each = { x = var.secret, y = "plain" }
  prompt   = "a ${each.value}"
  output   = "valued-${each.key}.png"
}
image "counted" {
  count  = var.n
  prompt = "number ${count.index}"
  output = "out/${count.index}.png"
  images = [image.each["x"].output]
}
image "ref" {
  prompt = "like ${image.valued["x"].prompt}, ${image.counted[0].output}"
  output = "ref.png"
}
`}
	s := mustLoad(t, files, LoadOptions{})
	if got := len(s.Assets); got != 7 {
		t.Fatalf("got %d assets, want 7", got)
	}
	for _, a := range s.Assets {
		if want := a.Addr == "image.ref" || a.Addr == `image.valued["x"]`; a.Sensitive != want {
			t.Errorf("%s: Sensitive = %v, want %v", a.Addr, a.Sensitive, want)
		}
	}

	files["main.pix.hcl"] = strings.Replace(files["main.pix.hcl"], `default   = "secretvalue"`, `default   = "abc"`, 1)
	_, diags := loadFiles(t, files, LoadOptions{})
	text := diagText(nil, diags)
	if !diags.HasErrors() || strings.Contains(text, "Too short: abc") {
		t.Errorf("want a validation error that does not show the value, got:\n%s", text)
	}
}

// TestSensitiveRefused checks that a sensitive value is refused where it
// would be printed or committed: as for_each keys (image addresses), and
// in every argument but prompt. The diagnostics never show it.
func TestSensitiveRefused(t *testing.T) {
	const decls = `
variable "secret" {
  type      = string
  default   = "SECRETVALUE"
  sensitive = true
}
variable "secrets" {
  type      = map(string)
  default   = { SECRETKEY = "SECRETVALUE" }
  sensitive = true
}
variable "list" {
  type      = list(string)
  default   = ["SECRETVALUE"]
  sensitive = true
}
`
	tests := []struct{ name, body, want string }{
		{"set of a secret", `for_each = toset([var.secret])
  prompt = "c ${each.key}"
  output = "${each.key}.png"`, "Invalid for_each argument"},
		{"sensitive map", `for_each = var.secrets
  prompt = "c ${each.key}"
  output = "${each.key}.png"`, "Invalid for_each argument"},
		{"keys of a sensitive map", `for_each = toset(keys(var.secrets))
  prompt = "c ${each.key}"
  output = "${each.key}.png"`, "Invalid for_each argument"},
		{"sensitive list", `for_each = toset(var.list)
  prompt = "c ${each.key}"
  output = "${each.key}.png"`, "Invalid for_each argument"},
		{"map built from a sensitive map", `for_each = { for k, v in var.secrets : k => v }
  prompt = "c"
  output = "${each.key}.png"`, "Invalid for_each argument"},
		{"key from a secret", `for_each = { (var.secret) = "x" }
  prompt = "c"
  output = "${each.key}.png"`, "Invalid for_each argument"},
		{"output", `prompt = "c"
  output = "${var.secret}.png"`, "Sensitive value in output"},
		{"output from each.value", `for_each = { a = var.secret }
  prompt = "c"
  output = "${each.value}.png"`, "Sensitive value in output"},
		{"model", `prompt = "c"
  model  = var.secret
  output = "p.png"`, "Sensitive value in model"},
		{"images", `prompt = "c"
  images = ["https://example.com/${var.secret}.png"]
  output = "p.png"`, "Sensitive value in images"},
		{"aspect_ratio", `prompt = "c"
  aspect_ratio = var.secret
  output = "p.png"`, "Sensitive value in aspect_ratio"},
		{"image_size", `prompt = "c"
  image_size = var.secret
  output = "p.png"`, "Sensitive value in image_size"},
		{"callback_url", `prompt = "c"
  callback_url = "https://example.com/${var.secret}"
  output = "p.png"`, "Sensitive value in callback_url"},
		{"provider", `prompt = "c"
  provider = var.secret
  output = "p.png"`, "Sensitive value in provider"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"main.pix.hcl": decls + "image \"p\" {\n  " + tt.body + "\n}\n"}
			s, diags := loadFiles(t, files, LoadOptions{})
			text := diagText(s, diags)
			if !diags.HasErrors() || diags[0].Summary != tt.want {
				t.Errorf("got %s, want the error %q", text, tt.want)
			}
			// The source line may show the expression, never its value.
			if strings.Contains(text, "SECRETVALUE") || strings.Contains(text, "SECRETKEY") {
				t.Errorf("the diagnostics show the secret:\n%s", text)
			}
		})
	}
}

// TestSensitiveNotInFunctionErrors: a function of the standard library that
// fails on a sensitive argument quotes it in its message; the diagnostic
// hides the message.
func TestSensitiveNotInFunctionErrors(t *testing.T) {
	for _, prompt := range []string{`"${tonumber(var.secret)}"`, `"${tobool(var.secret)}"`, `"${parseint(var.secret, 10)}"`, `"${parseint(upper(var.secret), 10)}"`, `jsondecode(var.secret)`, `"${tonumber("x${var.secret}")}"`} {
		t.Run(prompt, func(t *testing.T) {
			src := "variable \"secret\" {\n  default   = \"SECRETVALUE\"\n  sensitive = true\n}\nimage \"p\" {\n  prompt = " + prompt + "\n  output = \"p.png\"\n}\n"
			s, diags := loadFiles(t, map[string]string{"main.pix.hcl": src}, LoadOptions{})
			text := diagText(s, diags)
			if !diags.HasErrors() || strings.Contains(text, "SECRETVALUE") {
				t.Errorf("got %s, want an error that does not show the value", text)
			}
		})
	}
	// An error on a value that is not sensitive still says what is wrong.
	s, diags := loadFiles(t, map[string]string{"main.pix.hcl": "image \"p\" {\n  prompt = \"${tonumber(\"abc\")}\"\n  output = \"p.png\"\n}\n"}, LoadOptions{})
	if text := diagText(s, diags); !strings.Contains(text, `cannot convert "abc" to number`) {
		t.Errorf("got %s, want the message of tonumber", text)
	}
}
