package derive

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"

	xwebp "golang.org/x/image/webp"
)

// MaxSourceBytes bounds how much of a source is read.
const MaxSourceBytes = 256 << 20

// ErrNotImage matches (errors.Is) every *SourceError.
var ErrNotImage = errors.New("not a decodable image")

// SourceError is a source that is not a PNG, JPEG or WebP image this package
// can decode, or one too large to.
type SourceError struct {
	Reason string
	Err    error // the decoder's error, if any
}

func (e *SourceError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("source %s: %v", e.Reason, e.Err)
	}
	return "source " + e.Reason
}

func (e *SourceError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotImage) true.
func (e *SourceError) Is(target error) bool { return target == ErrNotImage }

type decoder struct {
	format string
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// sniff picks the decoder from the magic bytes. The decoders are called by
// name rather than through image.Decode, so that whatever other packages
// register for a format does not change what this package decodes.
func sniff(b []byte) (decoder, bool) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return decoder{"png", png.DecodeConfig, png.Decode}, true
	case bytes.HasPrefix(b, []byte("\xff\xd8")):
		return decoder{"jpeg", jpeg.DecodeConfig, jpeg.Decode}, true
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return decoder{"webp", xwebp.DecodeConfig, xwebp.Decode}, true
	}
	return decoder{}, false
}

// Decode reads a PNG, JPEG or WebP image into straight-alpha RGBA pixels with
// its origin at (0,0). Anything else, a broken image, or one wider or taller
// than MaxSide, is a *SourceError.
func Decode(r io.Reader) (*image.NRGBA, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSourceBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	if len(data) > MaxSourceBytes {
		return nil, &SourceError{Reason: fmt.Sprintf("is larger than %d MiB", MaxSourceBytes>>20)}
	}
	d, ok := sniff(data)
	if !ok {
		return nil, &SourceError{Reason: "is not a PNG, JPEG or WebP image"}
	}
	cfg, err := d.config(bytes.NewReader(data))
	if err != nil {
		return nil, &SourceError{Reason: "is not a decodable " + d.format + " image", Err: err}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide {
		return nil, &SourceError{Reason: fmt.Sprintf("is %dx%d: beyond the %d px limit", cfg.Width, cfg.Height, MaxSide)}
	}
	m, err := d.decode(bytes.NewReader(data))
	if err != nil {
		return nil, &SourceError{Reason: "is not a decodable " + d.format + " image", Err: err}
	}
	return toNRGBA(m), nil
}

// toNRGBA converts m to *image.NRGBA at origin (0,0), sharing m when it
// already is one.
func toNRGBA(m image.Image) *image.NRGBA {
	b := m.Bounds()
	if n, ok := m.(*image.NRGBA); ok && b.Min == (image.Point{}) {
		return n
	}
	if rgba, ok := m.(*image.RGBA); ok && b.Min == (image.Point{}) {
		return unpremultiply(rgba) // opaque PNGs decode to RGBA
	}
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	switch src := m.(type) {
	case *image.NRGBA:
		copyRect(out, 0, 0, src, b)
	case *image.YCbCr:
		i := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				yi, ci := src.YOffset(x, y), src.COffset(x, y)
				r, g, bl := color.YCbCrToRGB(src.Y[yi], src.Cb[ci], src.Cr[ci])
				out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = r, g, bl, 255
				i += 4
			}
		}
	default:
		i := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
				out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = c.R, c.G, c.B, c.A
				i += 4
			}
		}
	}
	return out
}

// copyRect copies src's pixels in r to dst at (x, y), byte for byte.
func copyRect(dst *image.NRGBA, x, y int, src *image.NRGBA, r image.Rectangle) {
	n := r.Dx() * 4
	for row := 0; row < r.Dy(); row++ {
		s := src.PixOffset(r.Min.X, r.Min.Y+row)
		d := dst.PixOffset(x, y+row)
		copy(dst.Pix[d:d+n], src.Pix[s:s+n])
	}
}
