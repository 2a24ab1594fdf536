package derive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// DescribeVersion is the version of the description format and of the
// meaning of the operations. Bump it when an operation's pixels could change
// for the same settings (a new rounding, a changed default).
const DescribeVersion = 1

// Describe is the canonical text of ops and enc: defaults filled in, fields an
// operation does not read left out, the encoder's version included. Two lists
// that do the same thing describe the same; it is what a fingerprint hashes.
// Call it on a validated list.
//
//	derive/1 resize(w=512,h=0,fit=contain,filter=catmullrom) trim(alpha<=0) | webp-lossy/1 (...) q=80
func Describe(ops []Op, enc Encoding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "derive/%d", DescribeVersion)
	for _, op := range ops {
		b.WriteByte(' ')
		b.WriteString(describeOp(op.normal()))
	}
	enc = enc.normal()
	fmt.Fprintf(&b, " | %s", enc.EncoderVersion())
	if enc.Quality != 0 {
		fmt.Fprintf(&b, " q=%d", enc.Quality)
	}
	return b.String()
}

func describeOp(op Op) string {
	switch op.Kind {
	case KindResize:
		return fmt.Sprintf("resize(w=%d,h=%d,fit=%s,filter=%s)", op.Width, op.Height, op.Fit, op.Filter)
	case KindCrop:
		if op.Centered {
			return fmt.Sprintf("crop(center,w=%d,h=%d)", op.Width, op.Height)
		}
		return fmt.Sprintf("crop(x=%d,y=%d,w=%d,h=%d)", op.X, op.Y, op.Width, op.Height)
	case KindTrim:
		return fmt.Sprintf("trim(alpha<=%d)", op.Threshold)
	case KindPad:
		c := op.Color
		return fmt.Sprintf("pad(t=%d,r=%d,b=%d,l=%d,rgba=%02x%02x%02x%02x)",
			op.Top, op.Right, op.Bottom, op.Left, c.R, c.G, c.B, c.A)
	}
	return fmt.Sprintf("%s()", op.Kind)
}

// Key is the sha256 (hex) of Describe(ops, enc).
func Key(ops []Op, enc Encoding) string {
	sum := sha256.Sum256([]byte(Describe(ops, enc)))
	return hex.EncodeToString(sum[:])
}

// Fingerprint is the identity of a derived output: the sha256 (hex) of its
// source's sha256 and Describe(ops, enc). It changes when the source's bytes,
// an operation, the format, a setting or the encoder's version changes, and
// never otherwise.
func Fingerprint(sourceSHA256 string, ops []Op, enc Encoding) string {
	sum := sha256.Sum256([]byte("source=" + sourceSHA256 + "\n" + Describe(ops, enc)))
	return hex.EncodeToString(sum[:])
}
