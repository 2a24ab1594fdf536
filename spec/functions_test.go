package spec

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestFunctions(t *testing.T) {
	files := map[string]string{
		"prompts/base.txt":        "A pixel-art scene\n",
		"prompts/hero.tmpl":       `%{ for i, h in heroes }${i > 0 ? ", " : ""}${upper(h)}%{ endfor } in ${place}`,
		"data/heroes.csv":         "name,color\nknight,red\nwizard,blue\n",
		"refs/a.png":              "a",
		"refs/b.png":              "b",
		"refs/deep/c.png":         "c",
		"refs/deep/deeper/d.jpeg": "d",
		"refs/notes.txt":          "n",
	}
	sum := sha256.Sum256([]byte("A pixel-art scene\n"))
	tests := []struct {
		name, expr, want string
	}{
		{"file", `chomp(file("prompts/base.txt"))`, "A pixel-art scene"},
		{"file with ./", `trimspace(file("./prompts/base.txt"))`, "A pixel-art scene"},
		{"filesha256", `filesha256("prompts/base.txt")`, hex.EncodeToString(sum[:])},
		{"filemd5", `filemd5("prompts/base.txt")`, md5hex("A pixel-art scene\n")},
		{"md5", `md5("hello")`, "5d41402abc4b2a76b9719d911017c592"},
		{"sha256", `sha256("hello")`, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
		{"hash of unicode", `md5("héllo")`, md5hex("héllo")},
		{"fileexists", `"${fileexists("refs/a.png")} ${fileexists("refs/z.png")}"`, "true false"},
		{"fileset star", `join(",", fileset("refs", "*.png"))`, "a.png,b.png"},
		{"fileset doublestar", `join(",", fileset("refs", "**/*.{png,jpeg}"))`, ""},
		{"fileset doublestar ext", `join(",", fileset("refs", "**/*.png"))`, "a.png,b.png,deep/c.png"},
		{"fileset question", `join(",", fileset(".", "refs/?.png"))`, "refs/a.png,refs/b.png"},
		{"fileset everything", `join(",", fileset("refs/deep", "**"))`, "c.png,deeper/d.jpeg"},
		{"fileset missing dir", `length(fileset("nope", "*"))`, "0"},
		{"csvdecode", `join(";", [for r in csvdecode(file("data/heroes.csv")) : "${r.name}=${r.color}"])`, "knight=red;wizard=blue"},
		{"templatefile", `templatefile("prompts/hero.tmpl", { heroes = ["knight", "rogue"], place = "a castle" })`, "KNIGHT, ROGUE in a castle"},
		{"env set", `env("ART_DIRECTOR")`, "ada"},
		{"env unset", `"[${env("NOT_SET")}]"`, "[]"},
		{"format and title", `format("%s-%03d", title("hello world"), 7)`, "Hello World-007"},
		{"replace plain and regex", `"${replace("a.b.c", ".", "-")} ${replace("a1b22", "/[0-9]+/", "#")}"`, "a-b-c a#b#"},
		{"strings", `"${lower("AB")}${upper("cd")}${strrev("fe")}${substr("xghx", 1, 2)}${trimprefix("zi", "z")}${trimsuffix("jz", "z")}${trim("?k?", "?")}"`, "abCDefghijk"},
		{"split and indent", `indent(2, join("\n", split(",", "a,b")))`, "a\n  b"},
		{"regex", `"${regex("[0-9]+", "ab123")} ${length(regexall("a", "banana"))}"`, "123 3"},
		{"length of string, map, object", `"${length("héllo")} ${length({a = 1, b = 2})} ${length(tomap({x = "y"}))}"`, "5 2 1"},
		{"collections", `jsonencode([concat([1], [2]), distinct([1, 1]), flatten([[1], [2, [3]]]), reverse([1, 2]), slice([1, 2, 3], 1, 2), sort(["b", "a"]), compact(["", "x"])])`,
			`[[1,2],[1],[1,2,3],[2,1],[2],["a","b"],["x"]]`},
		{"maps", `jsonencode([keys({b = 1, a = 2}), values({b = 1, a = 2}), lookup({a = "x"}, "b", "dflt"), merge({a = 1}, {b = 2}), zipmap(["k"], ["v"])])`,
			`[["a","b"],[2,1],"dflt",{"a":1,"b":2},{"k":"v"}]`},
		{"sets", `jsonencode([setunion(["a"], ["b"]), setintersection(["a", "b"], ["b"]), length(setproduct(["a", "b"], ["c"])), tolist(toset(["z", "y", "z"]))])`,
			`[["a","b"],["b"],2,["y","z"]]`},
		{"numbers", `"${min(3, 1, 2)} ${max(3, 1, 2)} ${abs(-4)} ${ceil(1.2)} ${floor(1.8)} ${tonumber("5") + 1} ${range(3)[2]} ${element(["a", "b"], 3)}"`, "1 3 4 2 1 6 2 b"},
		{"coalesce and contains", `"${coalesce("", "x")} ${contains(["a"], "a")} ${length(coalescelist([], [1, 2]))} ${tobool("true")} ${tostring(1)}"`, "x true 2 true 1"},
		{"formatlist", `join(",", formatlist("<%s>", ["a", "b"]))`, "<a>,<b>"},
		{"jsondecode", `jsondecode("{\"a\": [1, \"two\"]}").a[1]`, "two"},
		{"try and can", `"${try(jsondecode("nope"), "fallback")} ${can(tonumber("x"))}"`, "fallback false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := LoadOptions{Env: env(map[string]string{"ART_DIRECTOR": "ada"})}
			// Every prompt must be non-empty, so the expected value is framed.
			got := promptOf(t, "", `"[${`+tt.expr+`}]"`, files, opts)
			if want := "[" + tt.want + "]"; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestFunctionErrors(t *testing.T) {
	files := map[string]string{
		"prompts/bad.tmpl":       "${missing}",
		"prompts/recursive.tmpl": `${templatefile("prompts/bad.tmpl", {})}`,
		"bin.dat":                "\xff\xfe",
		"dir/x.txt":              "x",
	}
	tests := []struct {
		name, expr, wantDetail string
	}{
		{"file missing", `file("nope.txt")`, `no file exists at "nope.txt"`},
		{"file binary", `file("bin.dat")`, "not UTF-8"},
		{"fileexists on a directory", `tostring(fileexists("dir"))`, "is a directory"},
		{"fileset bad pattern", `join(",", fileset(".", "[") )`, "invalid pattern"},
		{"templatefile undefined variable", `templatefile("prompts/bad.tmpl", {})`, `refers to "missing"`},
		{"templatefile is not recursive", `templatefile("prompts/recursive.tmpl", {})`, `templatefile`},
		{"templatefile vars not a map", `templatefile("prompts/bad.tmpl", "x")`, "must be a map or an object"},
		{"unknown function", `nosuch(1)`, `There is no function named "nosuch"`},
		{"null argument", `upper(null)`, "must not be null"},
		{"length of a number", `tostring(length(1))`, "must be a string, a collection or a structure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := map[string]string{"main.pix.hcl": "image \"p\" {\n  prompt = " + tt.expr + "\n  output = \"p.png\"\n}\n"}
			for k, v := range files {
				f[k] = v
			}
			s, diags := loadFiles(t, f, LoadOptions{})
			if !diags.HasErrors() {
				t.Fatalf("got no errors, want one")
			}
			text := diagText(s, diags)
			if !strings.Contains(text, tt.wantDetail) || diags[0].Subject == nil || diags[0].Subject.Start.Line != 2 {
				t.Errorf("got %s, want an error at line 2 containing %q", text, tt.wantDetail)
			}
		})
	}
}
