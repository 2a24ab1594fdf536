package state

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLockFastAgrees checks that the fast parser takes every lockfile
// pixform writes in the common case, and reads it as hclsyntax does.
func TestLockFastAgrees(t *testing.T) {
	many := &Lock{}
	for i := range 200 {
		a := testAsset(i)
		many.Images = append(many.Images, LockImage{Addr: a.Addr, Output: a.Output, SHA256: a.SHA256, Fingerprint: a.Fingerprint, Model: a.Model})
	}
	tests := []struct {
		name string
		lock *Lock
		fast bool // whether the fast parser should take it
	}{
		{"empty", &Lock{}, true},
		{"one", &Lock{Images: []LockImage{{Addr: "image.logo", Output: "web/logo.png", SHA256: hash(1), Fingerprint: hash(2), Model: "google/gempix2"}}}, true},
		{"many", many, true},
		{"escapes", &Lock{Images: []LockImage{
			{Addr: `image.a["q\"uo\\te"]`, Output: "a b/c\td.png", SHA256: "", Fingerprint: "\r\n", Model: "m"},
			{Addr: `image.b[3]`, Output: "b.png"},
		}}, true},
		{"template sequences", &Lock{Images: []LockImage{{Addr: `image.a["${x}"]`, Output: "%{y}.png", Model: "$ %"}}}, false},
		{"unicode", &Lock{Images: []LockImage{{Addr: `image.a["é"]`, Output: "ünïcode/模型.png", Model: "m"}}}, false},
		{"control", &Lock{Images: []LockImage{{Addr: "image.a", Output: "a\x01.png", Model: "m\x7f"}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := encodeLock(tt.lock, nil)
			want, err := decodeLockHCL(src, LockfileName)
			must(t, err)
			got, ok := decodeLockFast(src)
			if ok != tt.fast {
				t.Fatalf("fast parser took it: got %v, want %v", ok, tt.fast)
			}
			if ok {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("fast parser (-hclsyntax +fast):\n%s", diff)
				}
			}
			read, err := decodeLock(src, LockfileName)
			must(t, err)
			if diff := cmp.Diff(want, read); diff != "" {
				t.Errorf("decodeLock (-hclsyntax +got):\n%s", diff)
			}
		})
	}
}

// TestLockFastFallback checks that hand-edited lockfiles, which the fast
// parser refuses, still read through hclsyntax, or fail as before.
func TestLockFastFallback(t *testing.T) {
	block := func(addr, out string) string {
		return fmt.Sprintf("\nimage %q {\n  output      = %q\n  sha256      = \"aa\"\n  fingerprint = \"bb\"\n  model       = \"m\"\n}\n", addr, out)
	}
	written := lockHeader + block("image.a", "a.png") + block("image.b", "b.png")
	want := &Lock{Images: []LockImage{
		{Addr: "image.a", Output: "a.png", SHA256: "aa", Fingerprint: "bb", Model: "m"},
		{Addr: "image.b", Output: "b.png", SHA256: "aa", Fingerprint: "bb", Model: "m"},
	}}
	if l, ok := decodeLockFast([]byte(written)); !ok || !cmp.Equal(want, l) {
		t.Fatalf("fast parser on the written form: got %+v, %v, want %+v", l, ok, want)
	}
	tests := []struct {
		name, src, wantErr string
	}{
		{"no header", strings.TrimPrefix(written, lockHeader), ""},
		{"another comment", "# mine\n" + written, ""},
		{"crlf", strings.ReplaceAll(written, "\n", "\r\n"), ""},
		{"unaligned", strings.ReplaceAll(written, "output      =", "output ="), ""},
		{"reordered", strings.Replace(written, "  sha256      = \"aa\"\n  fingerprint = \"bb\"\n", "  fingerprint = \"bb\"\n  sha256      = \"aa\"\n", 1), ""},
		{"unsorted", lockHeader + block("image.b", "b.png") + block("image.a", "a.png"), ""},
		{"blank lines", strings.ReplaceAll(written, "\n}\n", "\n\n}\n\n"), ""},
		{"no final newline", strings.TrimSuffix(written, "\n"), ""},
		{"comment inside", strings.Replace(written, "  model ", "  # why\n  model ", 1), ""},
		{"unicode escape", strings.Replace(written, `"a.png"`, `"\u0061.png"`, 1), ""},
		{"duplicate", lockHeader + block("image.a", "a.png") + block("image.a", "b.png"), "duplicate image"},
		{"truncated", written[:len(written)-20], "pixform.lock.hcl:"},
		{"extra attribute", strings.Replace(written, "  model ", "  colour      = \"red\"\n  model ", 1), "unsupported attribute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := decodeLockFast([]byte(tt.src)); ok {
				t.Errorf("the fast parser took a lockfile not in the written form:\n%s", tt.src)
			}
			got, err := decodeLock([]byte(tt.src), LockfileName)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			must(t, err)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("decodeLock (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLockFastRandom compares the two parsers on lockfiles of random
// awkward strings: where the fast one answers, it answers as hclsyntax.
func TestLockFastRandom(t *testing.T) {
	const alphabet = "ab/. \"\\\n\r\t${}%éモ\x01\x7f"
	runes := []rune(alphabet)
	rnd := rand.New(rand.NewPCG(1, 2))
	str := func() string {
		var b strings.Builder
		for range rnd.IntN(8) {
			b.WriteRune(runes[rnd.IntN(len(runes))])
		}
		return b.String()
	}
	took := 0
	for i := range 2000 {
		l := &Lock{}
		for j := range rnd.IntN(3) {
			l.Images = append(l.Images, LockImage{Addr: fmt.Sprintf("image.x[%d]%s", j, str()), Output: str(), SHA256: str(), Fingerprint: str(), Model: str()})
		}
		src := encodeLock(l, nil)
		want, err := decodeLockHCL(src, LockfileName)
		must(t, err)
		got, ok := decodeLockFast(src)
		if !ok {
			continue
		}
		took++
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("case %d: fast parser (-hclsyntax +fast):\n%s\nsource:\n%s", i, diff, src)
		}
	}
	if took < 200 {
		t.Errorf("the fast parser took %d of 2000 lockfiles, want at least 200", took)
	}
}
