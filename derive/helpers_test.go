package derive

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
)

// photo is a deterministic w x h test image: smooth colour fields with a
// little noise, and (with alpha) a translucent band and a transparent corner.
func photo(w, h int, alpha bool) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	s := uint32(7)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			s = s*1664525 + 1013904223
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			nz := float64(s>>29) - 4
			c := color.NRGBA{
				R: uint8(128 + 100*math.Sin(fx*9+fy*3) + nz),
				G: uint8(128 + 100*math.Cos(fy*7-fx*2) + nz),
				B: uint8(128 + 80*math.Sin((fx+fy)*5) + nz),
				A: 255,
			}
			if alpha {
				switch {
				case x < w/8 && y < h/8:
					c.A = 0
				case y > h/2 && y < h/2+h/10:
					c.A = uint8(40 + x*200/w)
				}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

// sprite is a w x h image whose content (opaque, distinct per seed) sits in
// the rectangle r, transparent around it.
func sprite(w, h int, r image.Rectangle, seed uint8) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			m.SetNRGBA(x, y, color.NRGBA{R: seed, G: uint8(x * 7), B: uint8(y * 5), A: 255 - uint8((x+y)%3)})
		}
	}
	return m
}

func pngBytes(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// decodeNRGBA decodes with image/png, image/jpeg or golang.org/x/image/webp
// (by magic bytes), not with the encoders' libraries.
func decodeNRGBA(t testing.TB, b []byte) *image.NRGBA {
	t.Helper()
	d, ok := sniff(b)
	if !ok {
		t.Fatalf("output is not a PNG, JPEG or WebP: % x", b[:min(len(b), 16)])
	}
	m, err := d.decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode output: %v", err)
	}
	return toNRGBA(m)
}

// samePixels fails unless got's pixels in gr equal want's in wr, byte for byte.
func samePixels(t testing.TB, what string, got *image.NRGBA, gr image.Rectangle, want *image.NRGBA, wr image.Rectangle) {
	t.Helper()
	if gr.Dx() != wr.Dx() || gr.Dy() != wr.Dy() {
		t.Fatalf("%s: size %v, want %v", what, gr.Size(), wr.Size())
	}
	for y := 0; y < gr.Dy(); y++ {
		for x := 0; x < gr.Dx(); x++ {
			g := got.NRGBAAt(gr.Min.X+x, gr.Min.Y+y)
			w := want.NRGBAAt(wr.Min.X+x, wr.Min.Y+y)
			if g != w {
				t.Fatalf("%s: pixel (%d,%d) is %v, want %v", what, x, y, g, w)
			}
		}
	}
}
