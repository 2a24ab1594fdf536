package derive

import (
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/HugoSmits86/nativewebp"
	"github.com/gen2brain/webp"
)

// Format names an output file format.
type Format string

// The formats.
const (
	FormatPNG  Format = "png"
	FormatJPEG Format = "jpeg"
	FormatWebP Format = "webp"
)

// Default qualities, used when Encoding.Quality is 0.
const (
	DefaultJPEGQuality = 90
	DefaultWebPQuality = 80
)

// webpMethod is libwebp's speed/size trade-off (0 fast .. 6 small); 4 is its
// default. Part of the lossy WebP encoder version.
const webpMethod = 4

// encoderVersions names, per format, what shapes the output bytes of that
// encoder. Change a value whenever the bytes for the same pixels and settings
// could change (a library upgrade, a new setting), so that fingerprints change
// and outputs are rebuilt; the other formats keep theirs.
var encoderVersions = map[string]string{
	"png":           "png/1 (Go standard library, default compression)",
	"jpeg":          "jpeg/1 (Go standard library, alpha over white)",
	"webp-lossless": "webp-lossless/1 (github.com/HugoSmits86/nativewebp v1.2.0)",
	"webp-lossy":    "webp-lossy/1 (github.com/gen2brain/webp v0.5.5, libwebp WASM, method 4)",
}

// Encoding is the output format and its settings.
type Encoding struct {
	Format Format
	// Quality: JPEG 1-100, lossy WebP 1-100; 0 means the default. PNG and
	// lossless WebP take none.
	Quality int
	// Lossless selects lossless WebP. Only WebP reads it.
	Lossless bool
}

// EncodingError is an invalid Encoding.
type EncodingError struct {
	Format Format
	Err    error
}

func (e *EncodingError) Error() string {
	if e.Format == "" {
		return fmt.Sprintf("encoding: %v", e.Err)
	}
	return fmt.Sprintf("encoding %s: %v", e.Format, e.Err)
}

func (e *EncodingError) Unwrap() error { return e.Err }

// Validate checks the format and its settings.
func (enc Encoding) Validate() error {
	fail := func(format string, a ...any) error {
		return &EncodingError{Format: enc.Format, Err: fmt.Errorf(format, a...)}
	}
	switch enc.Format {
	case FormatPNG:
		if enc.Quality != 0 {
			return fail("png is lossless and takes no quality: remove it, or use jpeg or webp")
		}
		if enc.Lossless {
			return fail("png is always lossless: remove lossless")
		}
	case FormatJPEG:
		if enc.Lossless {
			return fail("jpeg cannot be lossless: use png or lossless webp")
		}
		if enc.Quality < 0 || enc.Quality > 100 {
			return fail("quality %d is out of range: use 1 to 100", enc.Quality)
		}
	case FormatWebP:
		if enc.Lossless && enc.Quality != 0 {
			return fail("lossless webp takes no quality: remove quality or lossless")
		}
		if enc.Quality < 0 || enc.Quality > 100 {
			return fail("quality %d is out of range: use 1 to 100", enc.Quality)
		}
	case "":
		return fail("no format: use png, jpeg or webp")
	default:
		return fail("unknown format %q: use png, jpeg or webp", string(enc.Format))
	}
	return nil
}

// normal fills in the default quality.
func (enc Encoding) normal() Encoding {
	switch {
	case enc.Format == FormatJPEG && enc.Quality == 0:
		enc.Quality = DefaultJPEGQuality
	case enc.Format == FormatWebP && !enc.Lossless && enc.Quality == 0:
		enc.Quality = DefaultWebPQuality
	}
	return enc
}

// encoderKey picks the entry of encoderVersions.
func (enc Encoding) encoderKey() string {
	if enc.Format == FormatWebP {
		if enc.Lossless {
			return "webp-lossless"
		}
		return "webp-lossy"
	}
	return string(enc.Format)
}

// EncoderVersion says what shapes the output bytes of enc's encoder.
func (enc Encoding) EncoderVersion() string { return encoderVersions[enc.encoderKey()] }

// Extension is the usual file extension of the format, with its dot.
func (enc Encoding) Extension() string {
	if enc.Format == FormatJPEG {
		return ".jpg"
	}
	return "." + string(enc.Format)
}

// encode writes m (validated enc). Nothing but pixels is written: no
// metadata survives from the source.
func encode(w io.Writer, m *image.NRGBA, enc Encoding) error {
	enc = enc.normal()
	var err error
	switch enc.Format {
	case FormatPNG:
		err = png.Encode(w, m)
	case FormatJPEG:
		err = jpeg.Encode(w, overWhite(m), &jpeg.Options{Quality: enc.Quality})
	case FormatWebP:
		if enc.Lossless {
			err = nativewebp.Encode(w, m, nil)
		} else {
			// Always NRGBA: the library hands *image.RGBA's premultiplied
			// bytes to libwebp as if they were straight alpha.
			err = webp.Encode(w, m, webp.Options{Quality: enc.Quality, Method: webpMethod})
		}
	default:
		err = errors.New("unknown format")
	}
	if err != nil {
		return fmt.Errorf("encode %s: %w", enc.Format, err)
	}
	return nil
}

// overWhite composites m over opaque white: JPEG has no alpha channel.
func overWhite(m *image.NRGBA) *image.RGBA {
	out := image.NewRGBA(m.Rect)
	for i := 0; i < len(m.Pix); i += 4 {
		a := uint32(m.Pix[i+3])
		for c := 0; c < 3; c++ {
			out.Pix[i+c] = uint8((uint32(m.Pix[i+c])*a + 255*(255-a) + 127) / 255)
		}
		out.Pix[i+3] = 255
	}
	return out
}
