package spec

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// ParseAddr canonicalises an address typed by a user, such as image.logo,
// image.hero["knight"] or image.row[3], for -target, -replace and the state
// commands. It refuses anything else.
func ParseAddr(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("empty address: want image.NAME, image.NAME[\"KEY\"] or image.NAME[INDEX]")
	}
	kind, orig := "image", s
	if rest, ok := strings.CutPrefix(s, "derive."); ok { // a derive's address reads as an image's
		kind, s = "derive", "image."+rest
	}
	trav, diags := hclsyntax.ParseTraversalAbs([]byte(s), "", hcl.InitialPos)
	if diags.HasErrors() {
		return "", fmt.Errorf("invalid address %q: want image.NAME, image.NAME[\"KEY\"] or image.NAME[INDEX] (or derive. instead of image.)", orig)
	}
	ta, err := traversalAddr(trav)
	if err != nil {
		return "", fmt.Errorf("invalid address %q: %w", orig, err)
	}
	return kind + strings.TrimPrefix(ta.String(), "image"), nil
}

// travAddr is an address read from a traversal: a block, or one instance of it.
type travAddr struct {
	Name   string
	Key    string // as written in an address: `"knight"` or `3`; "" for the whole block
	HasKey bool
}

func (a travAddr) String() string {
	if a.HasKey {
		return "image." + a.Name + "[" + a.Key + "]"
	}
	return "image." + a.Name
}

// traversalAddr reads image.NAME, image.NAME["key"] or image.NAME[n] from a
// traversal, with nothing after it.
func traversalAddr(trav hcl.Traversal) (travAddr, error) {
	a, rest, err := traversalAddrPrefix(trav)
	if err != nil {
		return a, err
	}
	if len(rest) > 0 {
		return a, errors.New("an address ends after the image name and its optional key")
	}
	return a, nil
}

// traversalAddrPrefix reads an address from the start of a traversal and
// returns what follows it.
func traversalAddrPrefix(trav hcl.Traversal) (travAddr, hcl.Traversal, error) {
	var a travAddr
	if len(trav) < 2 || trav.RootName() != "image" {
		return a, nil, errors.New("an address starts with image.NAME")
	}
	attr, ok := trav[1].(hcl.TraverseAttr)
	if !ok || !hclsyntax.ValidIdentifier(attr.Name) {
		return a, nil, errors.New("an address starts with image.NAME")
	}
	a.Name = attr.Name
	rest := trav[2:]
	if len(rest) == 0 {
		return a, rest, nil
	}
	idx, ok := rest[0].(hcl.TraverseIndex)
	if !ok {
		return a, rest, nil
	}
	key, err := instanceKey(idx.Key)
	if err != nil {
		return a, nil, err
	}
	a.Key, a.HasKey = key, true
	return a, rest[1:], nil
}

// instanceKey formats a for_each key or count index as written in an address.
func instanceKey(v cty.Value) (string, error) {
	if v.IsNull() || !v.IsKnown() {
		return "", errors.New("an instance key must be a string or a whole number")
	}
	switch v.Type() {
	case cty.String:
		return quoteKey(v.AsString()), nil
	case cty.Number:
		bf := v.AsBigFloat()
		if !bf.IsInt() || bf.Sign() < 0 {
			return "", errors.New("an instance index must be a whole number, 0 or more")
		}
		i, acc := bf.Int64()
		if acc != big.Exact {
			return "", errors.New("an instance index is too large")
		}
		return strconv.FormatInt(i, 10), nil
	}
	return "", errors.New("an instance key must be a string or a whole number")
}

// quoteKey quotes s with HCL's string escapes, so that an address can be
// parsed back as an HCL traversal.
func quoteKey(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		next := byte(0)
		if i+size < len(s) {
			next = s[i+size]
		}
		i += size
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case (r == '$' || r == '%') && next == '{':
			b.WriteRune(r)
			b.WriteRune(r)
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError) // invalid UTF-8 becomes U+FFFD, as HCL reads it
		case !unicode.IsPrint(r):
			if r < 0x10000 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
