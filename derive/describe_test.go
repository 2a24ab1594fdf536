package derive

import (
	"image/color"
	"strings"
	"testing"
)

func TestDescribeIsCanonical(t *testing.T) {
	webp := Encoding{Format: FormatWebP}
	same := []struct {
		name string
		a, b []Op
		ea   Encoding
		eb   Encoding
	}{
		{"default fit and filter", []Op{Resize(512, 256, "")}, []Op{{Kind: KindResize, Width: 512, Height: 256, Fit: FitContain, Filter: FilterCatmullRom}}, webp, webp},
		{"fit does not matter with one side", []Op{Resize(512, 0, FitCover)}, []Op{Resize(512, 0, FitExact)}, webp, webp},
		{"fields an op does not read", []Op{Trim(2)}, []Op{{Kind: KindTrim, Threshold: 2, Width: 9, Color: color.NRGBA{R: 1}}}, webp, webp},
		{"default quality", nil, nil, webp, Encoding{Format: FormatWebP, Quality: DefaultWebPQuality}},
		{"default jpeg quality", nil, nil, Encoding{Format: FormatJPEG}, Encoding{Format: FormatJPEG, Quality: DefaultJPEGQuality}},
	}
	for _, tt := range same {
		if Key(tt.a, tt.ea) != Key(tt.b, tt.eb) {
			t.Errorf("%s: %q and %q differ", tt.name, Describe(tt.a, tt.ea), Describe(tt.b, tt.eb))
		}
	}
	differ := []struct {
		name string
		a, b []Op
		ea   Encoding
		eb   Encoding
	}{
		{"width", []Op{Resize(512, 0, "")}, []Op{Resize(511, 0, "")}, webp, webp},
		{"fit with both sides", []Op{Resize(64, 64, FitCover)}, []Op{Resize(64, 64, FitContain)}, webp, webp},
		{"filter", []Op{Resize(64, 0, "")}, []Op{{Kind: KindResize, Width: 64, Filter: FilterNearest}}, webp, webp},
		{"order", []Op{Trim(0), Resize(64, 0, "")}, []Op{Resize(64, 0, ""), Trim(0)}, webp, webp},
		{"crop place", []Op{Crop(0, 0, 8, 8)}, []Op{CropCenter(8, 8)}, webp, webp},
		{"pad colour", []Op{Pad(1, 1, 1, 1, color.NRGBA{})}, []Op{Pad(1, 1, 1, 1, color.NRGBA{A: 255})}, webp, webp},
		{"quality", nil, nil, webp, Encoding{Format: FormatWebP, Quality: 81}},
		{"lossless", nil, nil, webp, Encoding{Format: FormatWebP, Lossless: true}},
		{"format", nil, nil, Encoding{Format: FormatPNG}, Encoding{Format: FormatWebP, Lossless: true}},
	}
	for _, tt := range differ {
		if Key(tt.a, tt.ea) == Key(tt.b, tt.eb) {
			t.Errorf("%s: both describe as %q", tt.name, Describe(tt.a, tt.ea))
		}
	}
}

func TestDescribeNamesVersions(t *testing.T) {
	d := Describe([]Op{Resize(320, 0, "")}, Encoding{Format: FormatWebP, Quality: 75})
	want := "derive/1 resize(w=320,h=0,fit=contain,filter=catmullrom) | webp-lossy/1 (github.com/gen2brain/webp v0.5.5, libwebp WASM, method 4) q=75"
	if d != want {
		t.Errorf("Describe =\n%s\nwant\n%s", d, want)
	}
	for _, enc := range []Encoding{{Format: FormatPNG}, {Format: FormatJPEG}, {Format: FormatWebP}, {Format: FormatWebP, Lossless: true}} {
		if v := enc.EncoderVersion(); v == "" || !strings.Contains(Describe(nil, enc), v) {
			t.Errorf("%+v: encoder version %q missing from %q", enc, v, Describe(nil, enc))
		}
	}
}

func TestFingerprint(t *testing.T) {
	ops, enc := []Op{Resize(64, 0, "")}, Encoding{Format: FormatPNG}
	a := Fingerprint("aaaa", ops, enc)
	if a != Fingerprint("aaaa", []Op{Resize(64, 0, FitCover)}, enc) {
		t.Error("the same derive has two fingerprints")
	}
	if a == Fingerprint("aaab", ops, enc) {
		t.Error("a new source keeps the fingerprint")
	}
	if a == Fingerprint("aaaa", ops, Encoding{Format: FormatJPEG}) {
		t.Error("a new format keeps the fingerprint")
	}
	if len(a) != 64 {
		t.Errorf("fingerprint %q is not a hex sha256", a)
	}
}
