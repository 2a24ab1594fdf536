package spec

import "testing"

func TestFormat(t *testing.T) {
	src := "image \"logo\" {\nprompt=\"a\"\n    output =   \"logo.png\"\n}\n"
	want := "image \"logo\" {\n  prompt = \"a\"\n  output = \"logo.png\"\n}\n"
	if got := string(Format([]byte(src))); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got, diags := FormatFile([]byte(src), "x.pix.hcl")
	if diags.HasErrors() || string(got) != want {
		t.Errorf("got %q, %v, want %q and no errors", got, diags, want)
	}
	if got, diags := FormatFile([]byte("image {"), "x.pix.hcl"); !diags.HasErrors() || got != nil {
		t.Errorf("got %q, %v, want nil and an error", got, diags)
	}
}
