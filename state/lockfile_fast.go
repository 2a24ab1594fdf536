package state

import (
	"bytes"
	"strings"
)

// lockAttrPrefixes are the lines of an image block up to the opening quote
// of each value, aligned as hclwrite.Format aligns them: by the longest
// name, fingerprint.
var lockAttrPrefixes = func() [][]byte {
	width := 0
	for _, a := range lockAttrs {
		width = max(width, len(a))
	}
	out := make([][]byte, len(lockAttrs))
	for i, a := range lockAttrs {
		out[i] = []byte("  " + a + strings.Repeat(" ", width-len(a)) + " = \"")
	}
	return out
}()

// decodeLockFast parses a lockfile in exactly the form encodeLock writes:
// the header, then for each image a blank line and its block, attributes in
// order, addresses strictly increasing, strings of printable ASCII with
// only the escapes \" \\ \n \r \t. It reports false at the first byte that
// does not fit, having parsed nothing; decodeLock then parses the file with
// hclsyntax, which takes any valid form and names the errors. Whatever it
// accepts, hclsyntax reads as the same Lock.
func decodeLockFast(src []byte) (*Lock, bool) {
	rest, ok := bytes.CutPrefix(src, []byte(lockHeader))
	if !ok {
		return nil, false
	}
	l := &Lock{}
	if n := bytes.Count(rest, []byte("\n}\n")); n > 0 {
		l.Images = make([]LockImage, 0, n)
	}
	for len(rest) > 0 {
		var img LockImage
		if rest, ok = bytes.CutPrefix(rest, []byte("\nimage \"")); !ok {
			return nil, false
		}
		if img.Addr, rest, ok = cutQuoted(rest); !ok {
			return nil, false
		}
		if rest, ok = bytes.CutPrefix(rest, []byte(" {\n")); !ok {
			return nil, false
		}
		for i, dst := range []*string{&img.Output, &img.SHA256, &img.Fingerprint, &img.Model} {
			if rest, ok = bytes.CutPrefix(rest, lockAttrPrefixes[i]); !ok {
				return nil, false
			}
			if *dst, rest, ok = cutQuoted(rest); !ok {
				return nil, false
			}
			if rest, ok = bytes.CutPrefix(rest, []byte("\n")); !ok {
				return nil, false
			}
		}
		if rest, ok = bytes.CutPrefix(rest, []byte("}\n")); !ok {
			return nil, false
		}
		if n := len(l.Images); n > 0 && l.Images[n-1].Addr >= img.Addr {
			return nil, false // unsorted or duplicate: hclsyntax reports it
		}
		l.Images = append(l.Images, img)
	}
	return l, true
}

// cutQuoted reads a quoted string's content up to and including its closing
// quote, and returns it unescaped with the bytes after it.
func cutQuoted(b []byte) (string, []byte, bool) {
	var buf []byte // only once an escape is met
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			if buf == nil {
				return string(b[:i]), b[i+1:], true
			}
			return string(buf), b[i+1:], true
		case c == '\\':
			if i+1 == len(b) {
				return "", nil, false
			}
			if buf == nil {
				buf = append(make([]byte, 0, len(b[:i])+16), b[:i]...)
			}
			i++
			switch b[i] {
			case '"', '\\':
				buf = append(buf, b[i])
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			default:
				return "", nil, false
			}
		case c < 0x20 || c >= 0x7f || c == '$' || c == '%':
			return "", nil, false // control bytes, non-ASCII and template escapes: hclsyntax's job
		default:
			if buf != nil {
				buf = append(buf, c)
			}
		}
	}
	return "", nil, false
}
