package spec

import (
	"fmt"
	"slices"
	"testing"
)

// TestParseFilesInOrder: files parsed in parallel give their diagnostics
// and their blocks in the order of their names, as one after the other.
func TestParseFilesInOrder(t *testing.T) {
	files := map[string]string{}
	var want []string
	for i := range 40 {
		name := fmt.Sprintf("f%02d.pix.hcl", i)
		switch i % 3 {
		case 0: // a syntax error
			files[name] = fmt.Sprintf("image \"a%02d\" {\n  prompt = \n}\n", i)
			want = append(want, "/spec/"+name)
		case 1: // a byte that is not UTF-8, refused before parsing
			files[name] = fmt.Sprintf("image \"a%02d\" {\n  prompt = \"\xff\"\n}\n", i)
			want = append(want, "/spec/"+name)
		default:
			files[name] = fmt.Sprintf("image \"a%02d\" {\n  prompt = \"p\"\n  output = \"out/%02d.png\"\n}\n", i, i)
		}
	}
	for range 5 {
		_, diags := Load(memFS(t, files), "/spec", LoadOptions{})
		var got []string
		for _, d := range diags {
			if d.Subject != nil && (len(got) == 0 || got[len(got)-1] != d.Subject.Filename) {
				got = append(got, d.Subject.Filename)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("got diagnostics from\n%v\nwant\n%v", got, want)
		}
	}
}
