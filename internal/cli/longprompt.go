package cli

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Long prompts (a prompt read from a file may run to hundreds of
// kilobytes) are cut in human output: plan and show print the first
// maxShownPrompt characters and say how many were left out. -json and
// 'state show ADDR' carry the whole prompt (unless it is sensitive).
const (
	maxShownPrompt = 500 // characters of a prompt, or of one change of a word diff
	wordContext    = 60  // characters kept on each side of a change in a word diff
)

// clipped returns s cut to max characters, and how many it left out.
func clipped(s string, max int) (string, int) {
	n := utf8.RuneCountInString(s)
	if n <= max {
		return s, 0
	}
	i, seen := 0, 0
	for i = range s {
		if seen == max {
			break
		}
		seen++
	}
	return s[:i], n - max
}

// leftOut is the note after a cut prompt.
func leftOut(n int) string {
	return fmt.Sprintf(" … (%d more characters; plan -json or 'pixform state show ADDR' shows the whole prompt)", n)
}

// quotedShort is a prompt quoted for people, cut when long.
func quotedShort(prompt string) string {
	head, more := clipped(prompt, maxShownPrompt)
	if more == 0 {
		return strconv.Quote(prompt)
	}
	return strconv.Quote(head) + leftOut(more)
}

// shortDiff cuts a word diff for people: a shared run keeps wordContext
// characters next to each change, and a change keeps maxShownPrompt.
func shortDiff(ops []diffOp) []diffOp {
	out := make([]diffOp, 0, len(ops))
	for i, op := range ops {
		if op.kind != '=' {
			if head, more := clipped(op.text, maxShownPrompt); more > 0 {
				op.text = head + fmt.Sprintf("…(%d more characters)", more)
			}
			out = append(out, op)
			continue
		}
		r := []rune(op.text)
		keepHead, keepTail := wordContext, wordContext
		if i == 0 {
			keepHead = 0 // nothing changed before it
		}
		if i == len(ops)-1 {
			keepTail = 0
		}
		if len(r) > keepHead+keepTail+20 { // worth cutting
			op.text = string(r[:keepHead]) + fmt.Sprintf("…(%d characters)…", len(r)-keepHead-keepTail) + string(r[len(r)-keepTail:])
		}
		out = append(out, op)
	}
	return out
}

// shortPrompt is quotedPrompt cut when long: redacted when sensitive.
func shortPrompt(prompt string, sensitive bool) string {
	if sensitive {
		return redacted
	}
	return quotedShort(prompt)
}
