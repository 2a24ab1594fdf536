package derive

import (
	"image"
	"io"
)

// Apply decodes the image read from src, applies ops in order and writes the
// result to dst in enc. Only pixels travel: the output carries no metadata of
// the source (EXIF, ICC profiles, text chunks).
//
// ops and enc are validated before src is read (an *OpError or an
// *EncodingError); a source that is not a decodable image is a *SourceError
// (errors.Is(err, ErrNotImage)). Nothing is written to dst before the pixels
// are ready, but a failing encoder may leave part of its output there: write
// to a temporary file and rename it into place.
//
// Apply keeps no state between calls and is safe for concurrent use; one call
// holds one decoded image (two during an operation) at a time.
func Apply(src io.Reader, ops []Op, enc Encoding, dst io.Writer) error {
	if err := Validate(ops); err != nil {
		return err
	}
	if err := enc.Validate(); err != nil {
		return err
	}
	m, err := Decode(src)
	if err != nil {
		return err
	}
	m, err = Transform(m, ops)
	if err != nil {
		return err
	}
	return encode(dst, m, enc)
}

// Encode writes m in enc (validated here). Like Apply, it writes pixels only.
func Encode(dst io.Writer, m *image.NRGBA, enc Encoding) error {
	if err := enc.Validate(); err != nil {
		return err
	}
	return encode(dst, toNRGBA(m), enc)
}
