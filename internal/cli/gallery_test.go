package cli

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAddrOrder(t *testing.T) {
	got := []string{`image.row[10]`, `image.b`, `image.row[2]`, `image.hero["b"]`, `image.hero["a"]`, `image.row[1]`, `image.a`}
	sort.Slice(got, func(i, j int) bool { return addrLess(got[i], got[j]) })
	want := []string{`image.a`, `image.b`, `image.hero["a"]`, `image.hero["b"]`, `image.row[1]`, `image.row[2]`, `image.row[10]`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("addrLess order: got %v, want %v (-want +got):\n%s", got, want, diff)
	}
}

func TestGroupOf(t *testing.T) {
	tests := []struct{ addr, group, key string }{
		{`image.logo`, `image.logo`, ``},
		{`image.hero["a"]`, `image.hero`, `["a"]`},
		{`image.row[3]`, `image.row`, `[3]`},
	}
	for _, tt := range tests {
		if g, k := groupOf(tt.addr); g != tt.group || k != tt.key {
			t.Errorf("groupOf(%s): got %q, %q, want %q, %q", tt.addr, g, k, tt.group, tt.key)
		}
	}
}

func TestFileURL(t *testing.T) {
	tests := []struct {
		name, gallery, file, want string
	}{
		{"default dir", "/s/pixform-gallery", "web/logo.png", "../web/logo.png"},
		{"deeper dir", "/s/docs/sheet", "web/logo.png", "../../web/logo.png"},
		{"the spec dir itself", "/s", "web/logo.png", "./web/logo.png"},
		{"a colon is not a scheme", "/s", "a:b.png", "./a:b.png"},
		{"spaces, hash and query are escaped", "/s/g", "my dir/#1?.png", "../my%20dir/%231%3F.png"},
		{"outside the spec dir", "/elsewhere/g", "web/logo.png", "../../s/web/logo.png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fileURL(tt.gallery, "/s", tt.file); got != tt.want {
				t.Errorf("fileURL(%s, /s, %s): got %q, want %q", tt.gallery, tt.file, got, tt.want)
			}
		})
	}
}
