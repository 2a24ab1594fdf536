package derive

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/draw"
	xwebp "golang.org/x/image/webp"
)

func applyBytes(t *testing.T, src []byte, ops []Op, enc Encoding) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := Apply(bytes.NewReader(src), ops, enc, &out); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return out.Bytes()
}

// xScale is x/image/draw's own result for scaling src's rectangle sr to
// w x h, in straight alpha.
func xScale(src *image.NRGBA, sr image.Rectangle, w, h int, k draw.Interpolator) *image.NRGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	k.Scale(dst, dst.Rect, src, sr, draw.Src, nil)
	out := image.NewNRGBA(dst.Rect)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.SetNRGBA(x, y, color.NRGBAModel.Convert(dst.At(x, y)).(color.NRGBA))
		}
	}
	return out
}

func TestResizeMatchesXImage(t *testing.T) {
	src := photo(300, 200, true)
	png := pngBytes(t, src)
	full := src.Rect
	tests := []struct {
		name string
		op   Op
		w, h int
		sr   image.Rectangle // the part of the source that is scaled
		k    draw.Interpolator
	}{
		{"width only keeps aspect", Resize(150, 0, ""), 150, 100, full, draw.CatmullRom},
		{"height only keeps aspect", Resize(0, 50, FitCover), 75, 50, full, draw.CatmullRom},
		{"contain fits inside the box", Resize(100, 100, FitContain), 100, 67, full, draw.CatmullRom},
		{"cover crops the centre", Resize(100, 100, FitCover), 100, 100, image.Rect(50, 0, 250, 200), draw.CatmullRom},
		{"cover of a tall box", Resize(60, 100, FitCover), 60, 100, image.Rect(90, 0, 210, 200), draw.CatmullRom},
		{"exact stretches", Resize(90, 90, FitExact), 90, 90, full, draw.CatmullRom},
		{"upscale", Resize(450, 0, ""), 450, 300, full, draw.CatmullRom},
		{"nearest", Op{Kind: KindResize, Width: 600, Filter: FilterNearest}, 600, 400, full, draw.NearestNeighbor},
		{"bilinear", Op{Kind: KindResize, Width: 120, Filter: FilterBilinear}, 120, 80, full, draw.BiLinear},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeNRGBA(t, applyBytes(t, png, []Op{tt.op}, Encoding{Format: FormatPNG}))
			if got.Rect.Dx() != tt.w || got.Rect.Dy() != tt.h {
				t.Fatalf("size %v, want %dx%d", got.Rect.Size(), tt.w, tt.h)
			}
			want := xScale(src, tt.sr, tt.w, tt.h, tt.k)
			samePixels(t, "resized", got, got.Rect, want, want.Rect)
		})
	}
}

func TestCropTrimPadPixels(t *testing.T) {
	src := photo(64, 48, true)
	png := pngBytes(t, src)
	enc := Encoding{Format: FormatPNG}

	got := decodeNRGBA(t, applyBytes(t, png, []Op{Crop(10, 20, 30, 16)}, enc))
	samePixels(t, "crop", got, got.Rect, src, image.Rect(10, 20, 40, 36))

	got = decodeNRGBA(t, applyBytes(t, png, []Op{CropCenter(20, 10)}, enc))
	samePixels(t, "centred crop", got, got.Rect, src, image.Rect(22, 19, 42, 29))

	sp := sprite(40, 30, image.Rect(5, 7, 31, 20), 9)
	got = decodeNRGBA(t, applyBytes(t, pngBytes(t, sp), []Op{Trim(0)}, enc))
	samePixels(t, "trim", got, got.Rect, sp, image.Rect(5, 7, 31, 20))

	// A faint halo (alpha 3) is trimmed with threshold 3, kept with 0.
	halo := sprite(40, 30, image.Rect(5, 7, 31, 20), 9)
	halo.SetNRGBA(1, 1, color.NRGBA{A: 3})
	got = decodeNRGBA(t, applyBytes(t, pngBytes(t, halo), []Op{Trim(3)}, enc))
	samePixels(t, "trim above threshold", got, got.Rect, halo, image.Rect(5, 7, 31, 20))
	got = decodeNRGBA(t, applyBytes(t, pngBytes(t, halo), []Op{Trim(0)}, enc))
	samePixels(t, "trim keeps the halo", got, got.Rect, halo, image.Rect(1, 1, 31, 20))

	got = decodeNRGBA(t, applyBytes(t, pngBytes(t, image.NewNRGBA(image.Rect(0, 0, 9, 9))), []Op{Trim(0)}, enc))
	if got.Rect.Dx() != 1 || got.Rect.Dy() != 1 || got.NRGBAAt(0, 0) != (color.NRGBA{}) {
		t.Fatalf("trim of a transparent image: %v %v, want one transparent pixel", got.Rect, got.NRGBAAt(0, 0))
	}

	red := color.NRGBA{R: 255, A: 200}
	got = decodeNRGBA(t, applyBytes(t, png, []Op{Pad(1, 2, 3, 4, red)}, enc))
	if got.Rect.Dx() != 64+6 || got.Rect.Dy() != 48+4 {
		t.Fatalf("pad: size %v, want 70x52", got.Rect.Size())
	}
	samePixels(t, "pad interior", got, image.Rect(4, 1, 68, 49), src, src.Rect)
	for _, p := range []image.Point{{0, 0}, {3, 30}, {69, 51}, {68, 10}, {30, 0}, {30, 49}} {
		if c := got.NRGBAAt(p.X, p.Y); c != red {
			t.Errorf("pad border at %v is %v, want %v", p, c, red)
		}
	}

	// Operations chain in order: trim, then pad back to a square.
	got = decodeNRGBA(t, applyBytes(t, pngBytes(t, sp), []Op{Trim(0), Pad(0, 0, 13, 0, color.NRGBA{})}, enc))
	if got.Rect.Dx() != 26 || got.Rect.Dy() != 26 {
		t.Fatalf("trim then pad: size %v, want 26x26", got.Rect.Size())
	}
}

func TestApplyErrorsNameTheOpAndTheFix(t *testing.T) {
	png := pngBytes(t, photo(40, 30, false))
	tests := []struct {
		name  string
		ops   []Op
		enc   Encoding
		index int    // of the *OpError; -1: an *EncodingError
		want  string // in the message
	}{
		{"resize to 0", []Op{Resize(0, 0, "")}, Encoding{Format: FormatPNG}, 0, "resize to 0x0: give a width"},
		{"resize too wide", []Op{Trim(0), Resize(16385, 0, "")}, Encoding{Format: FormatPNG}, 1, "beyond the 16384 px limit"},
		{"negative", []Op{Resize(-5, 10, "")}, Encoding{Format: FormatPNG}, 0, "must not be negative"},
		{"unknown fit", []Op{Resize(10, 10, "fill")}, Encoding{Format: FormatPNG}, 0, `unknown fit "fill": use contain, cover or exact`},
		{"unknown filter", []Op{{Kind: KindResize, Width: 10, Filter: "lanczos"}}, Encoding{Format: FormatPNG}, 0, "unknown filter"},
		{"unknown op", []Op{{Kind: "blur"}}, Encoding{Format: FormatPNG}, 0, `unknown operation "blur"`},
		{"empty crop", []Op{Crop(0, 0, 0, 5)}, Encoding{Format: FormatPNG}, 0, "at least 1"},
		{"negative pad", []Op{Pad(-1, 0, 0, 0, color.NRGBA{})}, Encoding{Format: FormatPNG}, 0, "use 0 to 16384"},
		{"trim everything", []Op{Trim(255)}, Encoding{Format: FormatPNG}, 0, "use 0 (only fully transparent) to 254"},
		{"crop outside the image", []Op{Crop(30, 0, 20, 10)}, Encoding{Format: FormatPNG}, 0, "does not fit inside the 40x30 image"},
		{"keep-aspect result too tall", []Op{Crop(0, 0, 1, 30), Resize(1000, 0, "")}, Encoding{Format: FormatPNG}, 1, "1000x30000 keeping its aspect ratio is beyond"},
		{"jpeg quality 101", nil, Encoding{Format: FormatJPEG, Quality: 101}, -1, "quality 101 is out of range: use 1 to 100"},
		{"webp quality -1", nil, Encoding{Format: FormatWebP, Quality: -1}, -1, "quality -1 is out of range"},
		{"png quality", nil, Encoding{Format: FormatPNG, Quality: 80}, -1, "png is lossless and takes no quality"},
		{"lossless webp quality", nil, Encoding{Format: FormatWebP, Lossless: true, Quality: 50}, -1, "lossless webp takes no quality"},
		{"unknown format", nil, Encoding{Format: "gif"}, -1, `unknown format "gif": use png, jpeg or webp`},
		{"no format", nil, Encoding{}, -1, "no format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := Apply(bytes.NewReader(png), tt.ops, tt.enc, &out)
			if err == nil {
				t.Fatal("Apply succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			var oe *OpError
			var ee *EncodingError
			switch {
			case tt.index >= 0 && !errors.As(err, &oe):
				t.Errorf("error %q is not an *OpError", err)
			case tt.index >= 0 && (oe.Index != tt.index || oe.Kind != tt.ops[tt.index].Kind):
				t.Errorf("error names operation %d (%s), want %d", oe.Index, oe.Kind, tt.index)
			case tt.index < 0 && !errors.As(err, &ee):
				t.Errorf("error %q is not an *EncodingError", err)
			}
			if out.Len() != 0 {
				t.Errorf("%d bytes written on error", out.Len())
			}
		})
	}
}

func TestApplyRejectsWhatIsNotAnImage(t *testing.T) {
	good := pngBytes(t, photo(20, 20, false))
	for name, src := range map[string][]byte{
		"text":          []byte("hello, not an image"),
		"empty":         nil,
		"truncated png": good[:len(good)/2],
		"bad jpeg":      []byte("\xff\xd8\xff\xe0garbage"),
		"bad webp":      []byte("RIFF\x10\x00\x00\x00WEBPVP8 junk"),
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := Apply(bytes.NewReader(src), []Op{Resize(10, 0, "")}, Encoding{Format: FormatPNG}, &out)
			var se *SourceError
			if !errors.Is(err, ErrNotImage) || !errors.As(err, &se) {
				t.Fatalf("error %v, want a *SourceError matching ErrNotImage", err)
			}
			if out.Len() != 0 {
				t.Errorf("%d bytes written", out.Len())
			}
		})
	}
}

func TestMetadataIsStripped(t *testing.T) {
	var j bytes.Buffer
	if err := jpeg.Encode(&j, photo(32, 32, false), nil); err != nil {
		t.Fatal(err)
	}
	// Insert an EXIF APP1 segment after the SOI marker.
	exif := append([]byte("\xff\xe1\x00\x16Exif\x00\x00"), []byte("GPS 51.5N 0.1W!!")...)
	src := append(append(append([]byte{}, j.Bytes()[:2]...), exif...), j.Bytes()[2:]...)
	if _, err := Decode(bytes.NewReader(src)); err != nil {
		t.Fatalf("the test's source does not decode: %v", err)
	}
	for _, enc := range []Encoding{{Format: FormatJPEG}, {Format: FormatPNG}, {Format: FormatWebP}, {Format: FormatWebP, Lossless: true}} {
		out := applyBytes(t, src, nil, enc)
		if bytes.Contains(out, []byte("Exif")) || bytes.Contains(out, []byte("GPS")) {
			t.Errorf("%s output keeps the source's EXIF", enc.Format)
		}
	}
}

func TestJPEGQualityBounds(t *testing.T) {
	png := pngBytes(t, photo(128, 128, true))
	q1 := applyBytes(t, png, nil, Encoding{Format: FormatJPEG, Quality: 1})
	q100 := applyBytes(t, png, nil, Encoding{Format: FormatJPEG, Quality: 100})
	def := applyBytes(t, png, nil, Encoding{Format: FormatJPEG})
	q90 := applyBytes(t, png, nil, Encoding{Format: FormatJPEG, Quality: DefaultJPEGQuality})
	if len(q1) >= len(q100) {
		t.Errorf("quality 1 is %d bytes, quality 100 %d: want it smaller", len(q1), len(q100))
	}
	if !bytes.Equal(def, q90) {
		t.Errorf("quality 0 does not mean the default %d", DefaultJPEGQuality)
	}
	// JPEG has no alpha: the transparent corner comes out white.
	m := decodeNRGBA(t, q100)
	if c := m.NRGBAAt(2, 2); c.R < 250 || c.G < 250 || c.B < 250 {
		t.Errorf("transparent pixel became %v, want white", c)
	}
}

func TestWebPDecodesBack(t *testing.T) {
	src := photo(200, 120, true)
	png := pngBytes(t, src)

	lossless := decodeNRGBA(t, applyBytes(t, png, []Op{Resize(100, 0, "")}, Encoding{Format: FormatWebP, Lossless: true}))
	want := xScale(src, src.Rect, 100, 60, draw.CatmullRom)
	samePixels(t, "lossless webp", lossless, lossless.Rect, want, want.Rect)

	for _, q := range []int{1, 50, 100} {
		b := applyBytes(t, png, []Op{Resize(100, 0, "")}, Encoding{Format: FormatWebP, Quality: q})
		if string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
			t.Fatalf("quality %d: not a WebP file", q)
		}
		m, err := xwebp.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("quality %d: x/image/webp: %v", q, err)
		}
		if m.Bounds().Dx() != 100 || m.Bounds().Dy() != 60 {
			t.Fatalf("quality %d: size %v, want 100x60", q, m.Bounds().Size())
		}
		if q != 100 {
			continue
		}
		// Lossy, but close: mean error under 3 levels per channel on
		// opaque pixels, and the transparent corner still transparent.
		got := vp8ToNRGBA(t, m)
		var sum, n int
		for i := range got.Pix {
			if i%4 != 3 && want.Pix[i|3] == 255 {
				d := int(got.Pix[i]) - int(want.Pix[i])
				sum += max(d, -d)
				n++
			}
		}
		if mean := float64(sum) / float64(n); mean > 3 {
			t.Errorf("quality 100: mean error %.2f per channel, want under 3", mean)
		}
		if a := got.NRGBAAt(2, 2).A; a != 0 {
			t.Errorf("quality 100: transparent corner has alpha %d", a)
		}
	}
}

// vp8ToNRGBA converts x/image/webp's lossy result as libwebp does. VP8
// stores limited-range BT.601 (Y in 16..235), but x/image/webp returns it as
// an image.YCbCr, whose At assumes full-range JFIF: a dark grey 20 would read
// back as 33. (libwebp itself decodes this package's output to 20.)
func vp8ToNRGBA(t *testing.T, m image.Image) *image.NRGBA {
	t.Helper()
	var yc *image.YCbCr
	var na *image.NYCbCrA
	switch v := m.(type) {
	case *image.YCbCr:
		yc = v
	case *image.NYCbCrA:
		yc, na = &v.YCbCr, v
	default:
		t.Fatalf("lossy WebP decoded to %T, want YCbCr", m)
	}
	b := yc.Rect
	out := image.NewNRGBA(b)
	clamp := func(f float64) uint8 { return uint8(min(255, max(0, math.Round(f)))) }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			Y := 1.164 * (float64(yc.Y[yc.YOffset(x, y)]) - 16)
			cb := float64(yc.Cb[yc.COffset(x, y)]) - 128
			cr := float64(yc.Cr[yc.COffset(x, y)]) - 128
			a := uint8(255)
			if na != nil {
				a = na.A[na.AOffset(x, y)]
			}
			out.SetNRGBA(x, y, color.NRGBA{clamp(Y + 1.596*cr), clamp(Y - 0.813*cr - 0.391*cb), clamp(Y + 2.018*cb), a})
		}
	}
	return out
}

func TestApplyConcurrentSameBytes(t *testing.T) {
	png := pngBytes(t, photo(96, 64, true))
	ops := []Op{Resize(48, 0, ""), Pad(2, 2, 2, 2, color.NRGBA{A: 255})}
	encs := []Encoding{{Format: FormatPNG}, {Format: FormatJPEG}, {Format: FormatWebP}, {Format: FormatWebP, Lossless: true}}
	want := make([][]byte, len(encs))
	for i, enc := range encs {
		want[i] = applyBytes(t, png, ops, enc)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4*len(encs))
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out bytes.Buffer
			if err := Apply(bytes.NewReader(png), ops, encs[i%len(encs)], &out); err != nil {
				errs[i] = err
			} else if !bytes.Equal(out.Bytes(), want[i%len(encs)]) {
				errs[i] = errors.New(string(encs[i%len(encs)].Format) + ": different bytes in parallel")
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}
