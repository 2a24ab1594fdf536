package cli

import (
	"strings"
	"unicode"
)

// diffOp is one run of a word diff: text both sides share, or text only
// the old or only the new side has.
type diffOp struct {
	kind byte // '=' shared, '-' removed, '+' added
	text string
}

// maxDiffCells bounds the LCS table of a word diff; larger prompts are
// shown as one removal and one addition.
const maxDiffCells = 1 << 20

// wordDiff returns the word-level difference between two prompts. Words,
// punctuation and runs of white space are the units; white space alone
// between two changes joins them, so "red car" -> "blue truck" reads as
// one change, not two.
func wordDiff(before, after string) []diffOp {
	a, b := tokens(before), tokens(after)
	// The ends both share need no table: a long prompt edited in one place
	// still gets a word diff.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []diffOp
	for _, t := range a[:pre] {
		ops = append(ops, diffOp{'=', t})
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(am)*len(bm) > maxDiffCells {
		ops = append(ops, diffOp{'-', strings.Join(am, "")}, diffOp{'+', strings.Join(bm, "")})
	} else {
		ops = append(ops, lcsOps(am, bm)...)
	}
	for _, t := range a[len(a)-suf:] {
		ops = append(ops, diffOp{'=', t})
	}
	return mergeOps(ops)
}

// tokens splits s into words (letters and digits), single punctuation
// marks, and runs of white space.
func tokens(s string) []string {
	var out []string
	start := -1
	class := func(r rune) int {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_':
			return 1
		case unicode.IsSpace(r):
			return 2
		default:
			return 3
		}
	}
	prev := 0
	for i, r := range s {
		c := class(r)
		if start >= 0 && (c != prev || c == 3) {
			out = append(out, s[start:i])
			start = -1
		}
		if start < 0 {
			start = i
		}
		prev = c
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// lcsOps diffs two token lists by their longest common subsequence.
func lcsOps(a, b []string) []diffOp {
	n, m := len(a), len(b)
	// l[i][j] is the LCS length of a[i:] and b[j:].
	l := make([][]int, n+1)
	for i := range l {
		l[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			ops = append(ops, diffOp{'=', a[i]})
			i, j = i+1, j+1
		case l[i+1][j] >= l[i][j+1]:
			ops = append(ops, diffOp{'-', a[i]})
			i++
		default:
			ops = append(ops, diffOp{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, diffOp{'-', a[i]})
	}
	for ; j < m; j++ {
		ops = append(ops, diffOp{'+', b[j]})
	}
	return ops
}

// mergeOps coalesces a token diff into runs: one shared run, then the
// removed and the added text of each change. White space alone between
// two changes is folded into both sides when they remove and add text.
func mergeOps(ops []diffOp) []diffOp {
	var out []diffOp
	var shared, del, add strings.Builder
	changed := false
	flushChange := func() {
		if del.Len() > 0 {
			out = append(out, diffOp{'-', del.String()})
		}
		if add.Len() > 0 {
			out = append(out, diffOp{'+', add.String()})
		}
		del.Reset()
		add.Reset()
		changed = false
	}
	for i := 0; i < len(ops); i++ {
		op := ops[i]
		switch op.kind {
		case '-':
			del.WriteString(op.text)
			changed = true
		case '+':
			add.WriteString(op.text)
			changed = true
		default:
			// Gather the whole shared run.
			shared.Reset()
			for ; i < len(ops) && ops[i].kind == '='; i++ {
				shared.WriteString(ops[i].text)
			}
			i--
			s := shared.String()
			if changed && strings.TrimSpace(s) == "" && joins(ops[i+1:], del.Len() > 0, add.Len() > 0) {
				del.WriteString(s)
				add.WriteString(s)
				continue
			}
			flushChange()
			out = append(out, diffOp{'=', s})
		}
	}
	flushChange()
	return out
}

// joins reports whether the change that starts ops (if any), together with
// one that removed (hasDel) and added (hasAdd) text, both removes and adds:
// then the white space between them is folded into one change.
func joins(ops []diffOp, hasDel, hasAdd bool) bool {
	if len(ops) == 0 || ops[0].kind == '=' {
		return false
	}
	for _, op := range ops {
		if op.kind == '=' {
			break
		}
		hasDel = hasDel || op.kind == '-'
		hasAdd = hasAdd || op.kind == '+'
	}
	return hasDel && hasAdd
}

// renderWordDiff writes a word diff for people: with color, removed words
// red and added words green; without, git's markers [-removed-]{+added+}.
func renderWordDiff(pt painter, ops []diffOp) string {
	var b strings.Builder
	for _, op := range ops {
		switch {
		case op.kind == '=':
			b.WriteString(op.text)
		case pt.on && op.kind == '-':
			b.WriteString(pt.paint(colorRemoved, op.text))
		case pt.on:
			b.WriteString(pt.paint(colorAdded, op.text))
		case op.kind == '-':
			b.WriteString("[-" + op.text + "-]")
		default:
			b.WriteString("{+" + op.text + "+}")
		}
	}
	return b.String()
}
