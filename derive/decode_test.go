package derive

import (
	"image"
	"image/color"
	"testing"
)

// toNRGBA's fast paths agree with color.NRGBAModel, and it normalises the
// origin to (0,0).
func TestToNRGBAMatchesColorModel(t *testing.T) {
	rgba := image.NewRGBA(image.Rect(3, 4, 40, 30))
	ycc := image.NewYCbCr(image.Rect(0, 0, 37, 26), image.YCbCrSubsampleRatio420)
	src := photo(37, 26, true)
	for y := 0; y < 26; y++ {
		for x := 0; x < 37; x++ {
			rgba.Set(x+3, y+4, src.At(x, y))
		}
	}
	for i := range ycc.Y {
		ycc.Y[i] = uint8(i * 7)
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = uint8(i*3), uint8(255-i)
	}
	zero := image.NewRGBA(image.Rect(0, 0, 37, 26))
	copy(zero.Pix, rgba.Pix)
	for name, m := range map[string]image.Image{"rgba at an offset": rgba, "rgba": zero, "ycbcr": ycc, "gray": image.NewGray(image.Rect(1, 1, 9, 9))} {
		got := toNRGBA(m)
		b := m.Bounds()
		if got.Rect != image.Rect(0, 0, b.Dx(), b.Dy()) {
			t.Fatalf("%s: bounds %v", name, got.Rect)
		}
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				want := color.NRGBAModel.Convert(m.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
				if c := got.NRGBAAt(x, y); c != want {
					t.Fatalf("%s: pixel (%d,%d) is %v, want %v", name, x, y, c, want)
				}
			}
		}
	}
}
