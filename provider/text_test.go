package provider

import "testing"

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, ünïcode ✓", "plain text, ünïcode ✓"},
		{"", ""},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"\x1b]0;owned\x07title", `\x1b]0;owned\x07title`},
		{"fake\rline\nnext\ttab", `fake\rline\nnext\ttab`},
		{"c1 \u009b2J csi", `c1 \u009b2J csi`},
		{"bidi \u202eevil", `bidi \u202eevil`},
		{"sep \u2028 here", `sep \u2028 here`},
		{"bad \xff byte", `bad \xff byte`},
		{"del \x7f", `del \x7f`},
		{"tag \U000e0041", `tag \U000e0041`},
		{"literal \ufffd stays", `literal \ufffd stays`},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
