package derive

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// DefaultAspectTolerance is the relative tolerance of an aspect ratio check
// when Check.AspectTolerance is 0: 1%.
const DefaultAspectTolerance = 0.01

// CheckKind names one condition of a Check.
type CheckKind string

// The conditions.
const (
	CheckWidth    CheckKind = "width"
	CheckHeight   CheckKind = "height"
	CheckAspect   CheckKind = "aspect_ratio"
	CheckAlpha    CheckKind = "alpha"
	CheckMaxBytes CheckKind = "max_bytes"
)

// Check is a set of conditions on an image file; a zero field is not checked.
type Check struct {
	Width, Height int // exact size in pixels
	// Aspect is width/height (16.0/9 for 16:9). It passes when the measured
	// ratio is within AspectTolerance of it, relative: 0.02 accepts 2% either
	// way (0: DefaultAspectTolerance).
	Aspect, AspectTolerance float64
	// AlphaRequired: at least one pixel is not fully opaque (alpha < 255). An
	// image whose format has an alpha channel but every pixel opaque fails: it
	// would render exactly as one without.
	AlphaRequired bool
	MaxBytes      int64 // file size
}

// Validate checks the conditions without an image.
func (c Check) Validate() error {
	switch {
	case c.Width < 0 || c.Width > MaxSide:
		return fmt.Errorf("check width %d is out of range: use 1 to %d", c.Width, MaxSide)
	case c.Height < 0 || c.Height > MaxSide:
		return fmt.Errorf("check height %d is out of range: use 1 to %d", c.Height, MaxSide)
	case c.Aspect < 0 || math.IsNaN(c.Aspect) || math.IsInf(c.Aspect, 0):
		return fmt.Errorf("check aspect ratio %v is not a positive number: write width/height, e.g. 16/9", c.Aspect)
	case c.AspectTolerance < 0 || c.AspectTolerance >= 1 || math.IsNaN(c.AspectTolerance):
		return fmt.Errorf("check aspect tolerance %v is out of range: use 0 (1%%) up to below 1", c.AspectTolerance)
	case c.MaxBytes < 0:
		return fmt.Errorf("check max_bytes %d must not be negative", c.MaxBytes)
	}
	return nil
}

// Measurement is what a check looks at in an image file.
type Measurement struct {
	Width, Height int
	Bytes         int64
	// NonOpaque counts the pixels with alpha < 255.
	NonOpaque int
}

// Measure decodes the image file read from r (a *SourceError if it is not
// one) and measures it.
func Measure(r io.Reader) (Measurement, error) {
	cr := &countingReader{r: r}
	m, err := Decode(cr)
	if err != nil {
		return Measurement{}, err
	}
	ms := Measurement{Width: m.Rect.Dx(), Height: m.Rect.Dy(), Bytes: cr.n}
	for i := 3; i < len(m.Pix); i += 4 {
		if m.Pix[i] < 255 {
			ms.NonOpaque++
		}
	}
	return ms, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Violation is a condition an image failed, with the measured value.
type Violation struct {
	Check CheckKind
	Want  string  // the condition, for people: "512", "16:9 ±1%", "<= 100000"
	Got   string  // what was measured, for people
	Value float64 // the measured number: pixels, ratio, non-opaque pixels, bytes
}

func (v Violation) String() string {
	return fmt.Sprintf("%s is %s, want %s", v.Check, v.Got, v.Want)
}

// Violations is what Evaluate found; as an error it names each one.
type Violations []Violation

func (vs Violations) Error() string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	return "check failed: " + strings.Join(parts, "; ")
}

// Evaluate returns the conditions m fails, in the order of CheckKind's
// constants; nil when it passes.
func (c Check) Evaluate(m Measurement) Violations {
	var vs Violations
	if c.Width != 0 && m.Width != c.Width {
		vs = append(vs, Violation{CheckWidth, fmt.Sprint(c.Width), fmt.Sprintf("%d px", m.Width), float64(m.Width)})
	}
	if c.Height != 0 && m.Height != c.Height {
		vs = append(vs, Violation{CheckHeight, fmt.Sprint(c.Height), fmt.Sprintf("%d px", m.Height), float64(m.Height)})
	}
	if c.Aspect != 0 {
		tol := c.AspectTolerance
		if tol == 0 {
			tol = DefaultAspectTolerance
		}
		got := float64(m.Width) / float64(m.Height)
		if math.Abs(got/c.Aspect-1) > tol {
			vs = append(vs, Violation{CheckAspect, fmt.Sprintf("%.4g ±%g%%", c.Aspect, tol*100),
				fmt.Sprintf("%.4g (%dx%d)", got, m.Width, m.Height), got})
		}
	}
	if c.AlphaRequired && m.NonOpaque == 0 {
		vs = append(vs, Violation{CheckAlpha, "at least one pixel with alpha < 255", "fully opaque", 0})
	}
	if c.MaxBytes != 0 && m.Bytes > c.MaxBytes {
		vs = append(vs, Violation{CheckMaxBytes, fmt.Sprintf("<= %d bytes", c.MaxBytes), fmt.Sprintf("%d bytes", m.Bytes), float64(m.Bytes)})
	}
	return vs
}
