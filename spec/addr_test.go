package spec

import "testing"

func TestParseAddr(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "image.logo", want: "image.logo"},
		{in: "  image.logo\n", want: "image.logo"},
		{in: `image.hero["knight"]`, want: `image.hero["knight"]`},
		{in: `image.hero[ "knight" ]`, want: `image.hero["knight"]`},
		{in: `image.hero["a \"b\" \\ c"]`, want: `image.hero["a \"b\" \\ c"]`},
		{in: `image.hero["$${x}"]`, want: `image.hero["$${x}"]`},
		{in: "image.row[3]", want: "image.row[3]"},
		{in: "image.row[03]", want: "image.row[3]"},
		{in: "image.row[-1]", wantErr: true},
		{in: "image.row[1.5]", wantErr: true},
		{in: "image.row[3].output", wantErr: true},
		{in: "image.row[0][1]", wantErr: true},
		{in: "image", wantErr: true},
		{in: "image[0]", wantErr: true},
		{in: "logo", wantErr: true},
		{in: "var.logo", wantErr: true},
		{in: "image.hero[knight]", wantErr: true},
		{in: `image.hero["${x}"]`, wantErr: true},
		{in: "", wantErr: true},
		{in: "image.a b", wantErr: true},
		{in: `derive.logo[ "640" ]`, want: `derive.logo["640"]`},
		{in: "derive.thumb", want: "derive.thumb"},
		{in: "derive.thumb.output", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAddr(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestQuoteKeyRoundTrip checks that an address made from any for_each key
// parses back to itself.
func TestQuoteKeyRoundTrip(t *testing.T) {
	keys := []string{"knight", "", "two words", `q"uote`, `back\slash`, "new\nline", "tab\t", "${interp}", "%{dir}", "$", "日本", "\x00nul", "\u2028", "bad\xffutf8", "$${x}", "a$$", "%%{"}
	for _, k := range keys {
		addr := "image.x[" + quoteKey(k) + "]"
		got, err := ParseAddr(addr)
		if err != nil {
			t.Errorf("key %q: got error %v for %s, want none", k, err, addr)
			continue
		}
		if got != addr {
			t.Errorf("key %q: got %s, want %s", k, got, addr)
		}
	}
}
