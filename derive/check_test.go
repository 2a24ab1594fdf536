package derive

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"strings"
	"testing"
)

func measure(t *testing.T, b []byte) Measurement {
	t.Helper()
	m, err := Measure(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestChecksPassAndFail(t *testing.T) {
	withAlpha := pngBytes(t, photo(160, 90, true)) // 16:9, a transparent corner
	opaque := pngBytes(t, photo(160, 120, false))  // 4:3, an RGBA PNG with every pixel opaque
	var j bytes.Buffer
	if err := jpeg.Encode(&j, photo(64, 64, false), nil); err != nil {
		t.Fatal(err)
	}
	ma, mo, mj := measure(t, withAlpha), measure(t, opaque), measure(t, j.Bytes())
	if ma.Width != 160 || ma.Height != 90 || ma.Bytes != int64(len(withAlpha)) || ma.NonOpaque == 0 {
		t.Fatalf("measured %+v", ma)
	}
	if mo.NonOpaque != 0 || mj.NonOpaque != 0 {
		t.Fatalf("opaque images measured with non-opaque pixels: %+v %+v", mo, mj)
	}

	tests := []struct {
		name  string
		c     Check
		m     Measurement
		fails []CheckKind
		value float64 // of the first violation
		says  string
	}{
		{"all pass", Check{Width: 160, Height: 90, Aspect: 16.0 / 9, AlphaRequired: true, MaxBytes: ma.Bytes}, ma, nil, 0, ""},
		{"width", Check{Width: 128}, ma, []CheckKind{CheckWidth}, 160, "width is 160 px, want 128"},
		{"height", Check{Height: 128}, ma, []CheckKind{CheckHeight}, 90, "height is 90 px, want 128"},
		{"aspect off", Check{Aspect: 16.0 / 9}, mo, []CheckKind{CheckAspect}, 160.0 / 120, "aspect_ratio is 1.333 (160x120), want 1.778 ±1%"},
		{"aspect within tolerance", Check{Aspect: 1.3, AspectTolerance: 0.03}, mo, nil, 0, ""},
		{"aspect beyond tolerance", Check{Aspect: 1.3, AspectTolerance: 0.02}, mo, []CheckKind{CheckAspect}, 160.0 / 120, "±2%"},
		{"opaque PNG has no alpha", Check{AlphaRequired: true}, mo, []CheckKind{CheckAlpha}, 0, "alpha is fully opaque"},
		{"JPEG has no alpha", Check{AlphaRequired: true}, mj, []CheckKind{CheckAlpha}, 0, ""},
		{"bytes", Check{MaxBytes: 100}, ma, []CheckKind{CheckMaxBytes}, float64(ma.Bytes), "want <= 100 bytes"},
		{"several", Check{Width: 1, Height: 1, MaxBytes: 1}, mo, []CheckKind{CheckWidth, CheckHeight, CheckMaxBytes}, 160, "width is 160 px, want 1; height is 120 px"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.c.Validate(); err != nil {
				t.Fatal(err)
			}
			vs := tt.c.Evaluate(tt.m)
			var kinds []CheckKind
			for _, v := range vs {
				kinds = append(kinds, v.Check)
			}
			if len(kinds) != len(tt.fails) || (len(kinds) > 0 && strings.Join(strs(kinds), ",") != strings.Join(strs(tt.fails), ",")) {
				t.Fatalf("violations %v, want %v", vs, tt.fails)
			}
			if len(vs) == 0 {
				if vs != nil {
					t.Error("a passing check returned a non-nil Violations")
				}
				return
			}
			if vs[0].Value != tt.value {
				t.Errorf("measured value %v, want %v", vs[0].Value, tt.value)
			}
			var err error = vs
			var as Violations
			if !errors.As(err, &as) || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
		})
	}
}

func strs(ks []CheckKind) []string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return s
}

func TestCheckValidateAndMeasureErrors(t *testing.T) {
	for _, c := range []Check{{Width: -1}, {Height: 20000}, {Aspect: -1}, {Aspect: 1, AspectTolerance: 1}, {MaxBytes: -5}} {
		if c.Validate() == nil {
			t.Errorf("%+v validates", c)
		}
	}
	if _, err := Measure(strings.NewReader("not an image")); !errors.Is(err, ErrNotImage) {
		t.Errorf("Measure of text: %v, want ErrNotImage", err)
	}
	// A transparent pixel anywhere counts, not only at the corners.
	m := image.NewNRGBA(image.Rect(0, 0, 5, 5))
	for i := range m.Pix {
		m.Pix[i] = 255
	}
	m.Pix[m.PixOffset(2, 3)+3] = 254
	if got := measure(t, pngBytes(t, m)).NonOpaque; got != 1 {
		t.Errorf("one pixel with alpha 254: measured %d non-opaque", got)
	}
}
