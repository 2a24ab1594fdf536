package cli

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/afero"

	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// varsFileSuffix is how the name of a variables file ends; fmt formats
// these too.
const varsFileSuffix = ".pixvars.hcl"

// fmtFile is one file fmt looked at.
type fmtFile struct {
	name     string // as shown to the user: relative to the spec dir when inside it
	path     string // absolute
	src, out []byte
}

func runFmt(e *env, args []string) int {
	a, err := parseFmt(args)
	if err != nil {
		return e.argError(err)
	}
	check, diff := &a.check, &a.diff
	paths, err := e.fmtPaths(a.paths)
	if err != nil {
		return e.fail(err)
	}
	// Read and format everything first: a syntax error anywhere means
	// nothing is written.
	var files []fmtFile
	failed := false
	for _, p := range paths {
		f := fmtFile{name: e.relName(p), path: p}
		src, err := afero.ReadFile(e.fs, p)
		if err != nil {
			e.errorf("read %s: %v", f.name, err)
			failed = true
			continue
		}
		out, diags := spec.FormatFile(src, p)
		if diags.HasErrors() {
			e.printDiags(&spec.Spec{Files: map[string]*hcl.File{p: {Bytes: src}}}, diags)
			failed = true
			continue
		}
		f.src, f.out = src, out
		files = append(files, f)
	}
	if failed {
		fmt.Fprintln(e.stderr, "Error: fmt found files it cannot format (above); it changed none. Fix them and run 'pixform fmt' again.")
		return ExitError
	}
	changed := 0
	for _, f := range files {
		if bytes.Equal(f.src, f.out) {
			continue
		}
		changed++
		if *diff {
			unifiedDiff(e.stdout, f.name, f.src, f.out) // its header names the file
		} else {
			fmt.Fprintln(e.stdout, f.name)
		}
		if *check {
			continue
		}
		if err := state.WriteFileAtomic(e.fs, f.path, f.out); err != nil {
			return e.errorf("write %s: %v", f.name, err)
		}
	}
	if *check && changed > 0 {
		fmt.Fprintf(e.stderr, "\n%d file(s) are not formatted: run 'pixform fmt' to rewrite them.\n", changed)
		return ExitError
	}
	return ExitOK
}

// fmtPaths lists the files to format: the spec directory's by default;
// each named directory's; each named file.
func (e *env) fmtPaths(args []string) ([]string, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	var out []string
	for _, a := range args {
		p := a
		if !filepath.IsAbs(p) {
			p = filepath.Join(e.dir, p)
		}
		fi, err := e.fs.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("fmt %s: %v. Paths are relative to the spec directory %s.", a, err, e.dir)
		}
		if !fi.IsDir() {
			out = append(out, p)
			continue
		}
		infos, err := afero.ReadDir(e.fs, p)
		if err != nil {
			return nil, fmt.Errorf("fmt %s: %v", a, err)
		}
		found := false
		for _, fi := range infos {
			if !fi.IsDir() && (strings.HasSuffix(fi.Name(), spec.FileSuffix) || strings.HasSuffix(fi.Name(), varsFileSuffix)) {
				out = append(out, filepath.Join(p, fi.Name()))
				found = true
			}
		}
		if !found && a != "." {
			return nil, fmt.Errorf("fmt %s: the directory has no *%s files.", a, spec.FileSuffix)
		}
	}
	sort.Strings(out)
	return out, nil
}

// relName names a path relative to the spec directory when it is inside.
func (e *env) relName(p string) string { return relName(e.dir, p) }

// diffContext is how many unchanged lines surround a change in a diff.
const diffContext = 3

// maxLineCells bounds the work of a line diff.
const maxLineCells = 1 << 22

// lineOp is one line of a line diff: kind ' ', '-' or '+', and the
// 0-based line numbers of old and new where it stands.
type lineOp struct {
	kind byte
	text string
	a, b int
}

// unifiedDiff writes the unified diff of a and b under name.
func unifiedDiff(w io.Writer, name string, a, b []byte) {
	ops := lineDiff(splitLines(a), splitLines(b))
	fmt.Fprintf(w, "--- a/%s\n+++ b/%s\n", name, name)
	for i := 0; i < len(ops); {
		for i < len(ops) && ops[i].kind == ' ' {
			i++
		}
		if i == len(ops) {
			break
		}
		start, end := max(0, i-diffContext), i
		for {
			for end < len(ops) && ops[end].kind != ' ' {
				end++
			}
			j := end
			for j < len(ops) && ops[j].kind == ' ' {
				j++
			}
			if j < len(ops) && j-end <= 2*diffContext {
				end = j
				continue
			}
			break
		}
		stop := min(len(ops), end+diffContext)
		hunk := ops[start:stop]
		na, nb := 0, 0
		for _, op := range hunk {
			if op.kind != '+' {
				na++
			}
			if op.kind != '-' {
				nb++
			}
		}
		fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(hunk[0].a, na), hunkRange(hunk[0].b, nb))
		for _, op := range hunk {
			fmt.Fprintf(w, "%c%s", op.kind, op.text)
			if !strings.HasSuffix(op.text, "\n") {
				fmt.Fprint(w, "\n\\ No newline at end of file\n")
			}
		}
		i = stop
	}
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func splitLines(b []byte) []string {
	lines := strings.SplitAfter(string(b), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// lineDiff is a longest-common-subsequence diff of two line lists. The
// common head and tail are cut first, so formatting changes, which are
// local, cost little.
func lineDiff(x, y []string) []lineOp {
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	mx, my := x[pre:len(x)-suf], y[pre:len(y)-suf]
	replaced := len(mx)*len(my) > maxLineCells // too big to compare: the middle is replaced
	if replaced {
		mx, my = nil, nil
	}
	// lcs[i][j] is the LCS length of mx[i:] and my[j:].
	lcs := make([][]int, len(mx)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(my)+1)
	}
	for i := len(mx) - 1; i >= 0; i-- {
		for j := len(my) - 1; j >= 0; j-- {
			if mx[i] == my[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []lineOp
	for k := 0; k < pre; k++ {
		ops = append(ops, lineOp{' ', x[k], k, k})
	}
	i, j := 0, 0
	for i < len(mx) || j < len(my) {
		switch {
		case i < len(mx) && j < len(my) && mx[i] == my[j]:
			ops = append(ops, lineOp{' ', mx[i], pre + i, pre + j})
			i, j = i+1, j+1
		case j == len(my) || (i < len(mx) && lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, lineOp{'-', mx[i], pre + i, pre + j})
			i++
		default:
			ops = append(ops, lineOp{'+', my[j], pre + i, pre + j})
			j++
		}
	}
	if replaced {
		for k := pre; k < len(x)-suf; k++ {
			ops = append(ops, lineOp{'-', x[k], k, pre})
		}
		for k := pre; k < len(y)-suf; k++ {
			ops = append(ops, lineOp{'+', y[k], len(x) - suf, k})
		}
	}
	for k := 0; k < suf; k++ {
		ops = append(ops, lineOp{' ', x[len(x)-suf+k], len(x) - suf + k, len(y) - suf + k})
	}
	return ops
}
