package executor

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"path/filepath"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/planner"
)

// maxConvertPixels bounds the images convert decodes: 4k results are 16.8
// million pixels; anything far beyond is not an image the service made.
const maxConvertPixels = 64 << 20

// jpegQuality is the quality of JPEG outputs pixform converts.
const jpegQuality = 92

// convert writes the image in src (of format got, read from its start) as
// format want (planner.FormatPNG or planner.FormatJPEG) into a new temp
// file beside full, and returns it, still open, with the sha256 of what it
// holds. A JPEG has no transparency: transparent pixels become white.
func (e *executor) convert(src afero.File, got, want, full string) (out afero.File, sum string, err error) {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, "", err
	}
	cfg, _, err := image.DecodeConfig(src)
	if err != nil {
		return nil, "", fmt.Errorf("the %s result cannot be converted to %s: %w", got, want, err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxConvertPixels {
		return nil, "", fmt.Errorf("the %s result (%dx%d) is too large to convert to %s", got, cfg.Width, cfg.Height, want)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, "", err
	}
	img, _, err := image.Decode(src)
	if err != nil {
		return nil, "", fmt.Errorf("the %s result cannot be converted to %s: %w", got, want, err)
	}
	fsys := e.opts.Fs
	out, err = afero.TempFile(fsys, filepath.Dir(full), "."+filepath.Base(full)+".*.tmp")
	if err != nil {
		return nil, "", err
	}
	h := sha256.New()
	w := io.MultiWriter(out, h)
	switch want {
	case planner.FormatJPEG:
		err = jpeg.Encode(w, onWhite(img), &jpeg.Options{Quality: jpegQuality})
	default:
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(w, img)
	}
	if err == nil {
		err = out.Sync()
	}
	if err != nil {
		out.Close()
		fsys.Remove(out.Name())
		return nil, "", fmt.Errorf("convert the %s result to %s: %w", got, want, err)
	}
	return out, "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// onWhite draws img over white, for a format without transparency; an
// opaque image is returned as it is.
func onWhite(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	b := img.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, b, img, b.Min, draw.Over)
	return dst
}
