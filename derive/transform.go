package derive

import (
	"fmt"
	"image"
	"math"

	"golang.org/x/image/draw"
)

// Transform applies validated ops to m in order and returns the result. m is
// not changed; each step drops the previous image, so at most two are alive.
// An operation that cannot apply to the image it meets (a crop larger than
// it, a result beyond MaxSide) is an *OpError.
func Transform(m *image.NRGBA, ops []Op) (*image.NRGBA, error) {
	if err := Validate(ops); err != nil {
		return nil, err
	}
	for i, op := range ops {
		out, err := apply1(m, op.normal())
		if err != nil {
			return nil, &OpError{Index: i, Kind: op.Kind, Err: err}
		}
		m = out
	}
	return m, nil
}

func apply1(m *image.NRGBA, op Op) (*image.NRGBA, error) {
	switch op.Kind {
	case KindResize:
		return resize(m, op)
	case KindCrop:
		return crop(m, op)
	case KindTrim:
		out, _ := trim(m, op.Threshold)
		return out, nil
	case KindPad:
		return pad(m, op)
	}
	return nil, fmt.Errorf("unknown operation %q", op.Kind)
}

// resizeGeometry returns the output size and the source rectangle that maps
// onto it, for a w0 x h0 source.
func resizeGeometry(w0, h0 int, op Op) (w, h int, src image.Rectangle) {
	src = image.Rect(0, 0, w0, h0)
	round := func(f float64) int { return max(1, int(math.Round(f))) }
	switch {
	case op.Height == 0:
		return op.Width, round(float64(h0) * float64(op.Width) / float64(w0)), src
	case op.Width == 0:
		return round(float64(w0) * float64(op.Height) / float64(h0)), op.Height, src
	case op.Fit == FitExact:
		return op.Width, op.Height, src
	case op.Fit == FitCover:
		// Keep the centre of the source that has the box's aspect ratio.
		if w0*op.Height > op.Width*h0 { // source wider than the box
			cw := min(w0, round(float64(h0)*float64(op.Width)/float64(op.Height)))
			x := (w0 - cw) / 2
			src = image.Rect(x, 0, x+cw, h0)
		} else {
			ch := min(h0, round(float64(w0)*float64(op.Height)/float64(op.Width)))
			y := (h0 - ch) / 2
			src = image.Rect(0, y, w0, y+ch)
		}
		return op.Width, op.Height, src
	default: // contain
		s := math.Min(float64(op.Width)/float64(w0), float64(op.Height)/float64(h0))
		return min(op.Width, round(float64(w0)*s)), min(op.Height, round(float64(h0)*s)), src
	}
}

func interpolator(f Filter) draw.Interpolator {
	switch f {
	case FilterNearest:
		return draw.NearestNeighbor
	case FilterBilinear:
		return draw.BiLinear
	}
	return draw.CatmullRom
}

func resize(m *image.NRGBA, op Op) (*image.NRGBA, error) {
	w0, h0 := m.Rect.Dx(), m.Rect.Dy()
	w, h, src := resizeGeometry(w0, h0, op)
	if w > MaxSide || h > MaxSide {
		return nil, fmt.Errorf("a %dx%d image resized to %dx%d keeping its aspect ratio is beyond the %d px limit: give both sides or a smaller one", w0, h0, w, h, MaxSide)
	}
	if w == w0 && h == h0 && src == m.Rect {
		return m, nil
	}
	// Scale in premultiplied RGBA (x/image/draw's fast path, and the right
	// space to filter alpha in), then back to straight alpha.
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	interpolator(op.Filter).Scale(dst, dst.Rect, m, src.Add(m.Rect.Min), draw.Src, nil)
	return unpremultiply(dst), nil
}

// unpremultiply converts as color.NRGBAModel does, byte for byte.
func unpremultiply(m *image.RGBA) *image.NRGBA {
	out := image.NewNRGBA(m.Rect)
	p, q := m.Pix, out.Pix
	for i := 0; i < len(p); i += 4 {
		a := uint32(p[i+3])
		switch a {
		case 0xff:
			copy(q[i:i+4], p[i:i+4])
		case 0:
			// all zero already
		default:
			a16 := a * 0x101
			for c := 0; c < 3; c++ {
				q[i+c] = uint8(((uint32(p[i+c]) * 0x101 * 0xffff) / a16) >> 8)
			}
			q[i+3] = uint8(a)
		}
	}
	return out
}

func crop(m *image.NRGBA, op Op) (*image.NRGBA, error) {
	w0, h0 := m.Rect.Dx(), m.Rect.Dy()
	x, y := op.X, op.Y
	if op.Centered {
		x, y = (w0-op.Width)/2, (h0-op.Height)/2
	}
	if x < 0 || y < 0 || x+op.Width > w0 || y+op.Height > h0 {
		if op.Centered {
			return nil, fmt.Errorf("a centred %dx%d crop does not fit inside the %dx%d image: crop smaller or resize first", op.Width, op.Height, w0, h0)
		}
		return nil, fmt.Errorf("%dx%d at (%d,%d) does not fit inside the %dx%d image: crop smaller or move it", op.Width, op.Height, op.X, op.Y, w0, h0)
	}
	return sub(m, image.Rect(x, y, x+op.Width, y+op.Height)), nil
}

// sub copies the rectangle r (relative to m's origin) into a new image.
func sub(m *image.NRGBA, r image.Rectangle) *image.NRGBA {
	if r == m.Rect.Sub(m.Rect.Min) {
		return m
	}
	out := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	copyRect(out, 0, 0, m, r.Add(m.Rect.Min))
	return out
}

// TrimRect is the smallest rectangle (relative to m's origin) holding every
// pixel whose alpha is above threshold. With no such pixel it is the 1x1
// rectangle at the origin.
func TrimRect(m *image.NRGBA, threshold uint8) image.Rectangle {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	minX, minY, maxX, maxY := w, h, -1, -1
	for y := 0; y < h; y++ {
		row := m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y+y):]
		for x := 0; x < w; x++ {
			if row[4*x+3] > threshold {
				minX, maxX = min(minX, x), max(maxX, x)
				minY, maxY = min(minY, y), max(maxY, y)
			}
		}
	}
	if maxX < 0 {
		return image.Rect(0, 0, 1, 1)
	}
	return image.Rect(minX, minY, maxX+1, maxY+1)
}

// trim returns m without its transparent borders, and where the result sat
// in m; an image with no pixel above the threshold becomes one fully
// transparent pixel.
func trim(m *image.NRGBA, threshold uint8) (*image.NRGBA, image.Rectangle) {
	r := TrimRect(m, threshold)
	if r.Dx() == 1 && r.Dy() == 1 && m.Pix[m.PixOffset(m.Rect.Min.X+r.Min.X, m.Rect.Min.Y+r.Min.Y)+3] <= threshold {
		return image.NewNRGBA(image.Rect(0, 0, 1, 1)), r
	}
	return sub(m, r), r
}

func pad(m *image.NRGBA, op Op) (*image.NRGBA, error) {
	w0, h0 := m.Rect.Dx(), m.Rect.Dy()
	w, h := w0+op.Left+op.Right, h0+op.Top+op.Bottom
	if w > MaxSide || h > MaxSide {
		return nil, fmt.Errorf("padding the %dx%d image to %dx%d is beyond the %d px limit: pad less", w0, h0, w, h, MaxSide)
	}
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	c := op.Color
	for i := 0; i < len(out.Pix); i += 4 {
		out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	copyRect(out, op.Left, op.Top, m, m.Rect)
	return out, nil
}
