package executor

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/spf13/afero"
	"golang.org/x/image/webp"

	"github.com/pixform/pixform/derive"
	"github.com/pixform/pixform/spec"
)

func TestDeriveSettings(t *testing.T) {
	tests := []struct {
		name    string
		d       spec.Derive
		wantOp  int // index of the refused operation; -1 the encoding
		quality bool
		ok      bool
	}{
		{name: "ok", d: spec.Derive{Format: "webp", Quality: 80, Ops: []spec.DeriveOp{{Kind: "resize", Width: 640}}}, ok: true},
		{name: "second op", d: spec.Derive{Format: "png", Ops: []spec.DeriveOp{{Kind: "trim"}, {Kind: "resize"}}}, wantOp: 1},
		{name: "too big", d: spec.Derive{Format: "png", Ops: []spec.DeriveOp{{Kind: "resize", Width: derive.MaxSide + 1}}}, wantOp: 0},
		{name: "bad colour", d: spec.Derive{Format: "png", Ops: []spec.DeriveOp{{Kind: "pad", Top: 1, Color: "red"}}}, wantOp: 0},
		{name: "threshold", d: spec.Derive{Format: "png", Ops: []spec.DeriveOp{{Kind: "trim", Threshold: 300}}}, wantOp: 0},
		{name: "quality", d: spec.Derive{Format: "jpeg", Quality: 101}, wantOp: -1, quality: true},
		{name: "format", d: spec.Derive{Format: "gif"}, wantOp: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := DeriveSettings(&tt.d)
			if tt.ok {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			var se *SettingError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a *SettingError", err)
			}
			if se.Op != tt.wantOp || se.Quality != tt.quality {
				t.Errorf("got op %d quality %v, want op %d quality %v (%v)", se.Op, se.Quality, tt.wantOp, tt.quality, err)
			}
		})
	}
}

func TestParseColor(t *testing.T) {
	tests := map[string]color.NRGBA{
		"":            {},
		"transparent": {},
		"#fff":        {R: 255, G: 255, B: 255, A: 255},
		"#102030":     {R: 0x10, G: 0x20, B: 0x30, A: 255},
		"#10203040":   {R: 0x10, G: 0x20, B: 0x30, A: 0x40},
	}
	for in, want := range tests {
		got, err := parseColor(in)
		if err != nil || got != want {
			t.Errorf("parseColor(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"red", "#12", "#1234567", "102030", "#gggggg"} {
		if _, err := parseColor(bad); err == nil {
			t.Errorf("parseColor(%q): got no error, want one", bad)
		}
	}
}

// TestBuildPixels derives a PNG into a smaller WebP and a cropped PNG and
// checks the pixels decoded back: the sizes asked for, and the crop equal
// to the source's pixels there.
func TestBuildPixels(t *testing.T) {
	fsys := afero.NewMemMapFs()
	e := &executor{opts: Options{Fs: fsys, Dir: "/spec"}}
	src := image.NewNRGBA(image.Rect(0, 0, 200, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 200; x++ {
			src.SetNRGBA(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 90, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	if err := afero.WriteFile(fsys, "/spec/web/src.png", buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	srcSum, sum, err := e.build("web/src.png", "out/small.webp", []derive.Op{derive.Resize(100, 0, "")}, derive.Encoding{Format: derive.FormatWebP, Quality: 90})
	if err != nil {
		t.Fatal(err)
	}
	if want := "sha256:" + hexSum(buf.Bytes()); srcSum != want {
		t.Errorf("got source sum %s, want %s", srcSum, want)
	}
	data, err := afero.ReadFile(fsys, "/spec/out/small.webp")
	if err != nil {
		t.Fatal(err)
	}
	if want := "sha256:" + hexSum(data); sum != want {
		t.Errorf("got output sum %s, want %s", sum, want)
	}
	m, err := webp.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode the WebP back: %v", err)
	}
	if got := m.Bounds().Size(); got != image.Pt(100, 50) {
		t.Errorf("got size %v, want 100x50", got)
	}

	if _, _, err := e.build("web/src.png", "out/crop.png", []derive.Op{derive.Crop(10, 20, 30, 40)}, derive.Encoding{Format: derive.FormatPNG}); err != nil {
		t.Fatal(err)
	}
	f, err := fsys.Open("/spec/out/crop.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Bounds().Size(); got != image.Pt(30, 40) {
		t.Fatalf("got crop size %v, want 30x40", got)
	}
	for _, p := range []image.Point{{0, 0}, {29, 39}, {15, 7}} {
		got := color.NRGBAModel.Convert(c.At(c.Bounds().Min.X+p.X, c.Bounds().Min.Y+p.Y))
		if want := src.NRGBAAt(10+p.X, 20+p.Y); got != want {
			t.Errorf("crop pixel %v: got %v, want %v", p, got, want)
		}
	}
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
