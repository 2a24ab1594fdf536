package derive

import (
	"fmt"
	"image/color"
)

// MaxSide is the largest width or height, in pixels, that an operation may
// ask for or produce (and that a source may have).
const MaxSide = 16384

// Kind names an operation.
type Kind string

// The operations, applied in the order given.
const (
	KindResize Kind = "resize"
	KindCrop   Kind = "crop"
	KindTrim   Kind = "trim"
	KindPad    Kind = "pad"
)

// Fit says how a resize to both a width and a height treats the aspect ratio.
type Fit string

// The fits. The zero value means FitContain.
const (
	// FitContain scales to fit inside Width x Height, keeping the aspect
	// ratio: the result may be smaller than the box along one side.
	FitContain Fit = "contain"
	// FitCover scales to cover Width x Height, keeping the aspect ratio, and
	// crops the overflow around the centre: the result is exactly the box.
	FitCover Fit = "cover"
	// FitExact stretches to exactly Width x Height.
	FitExact Fit = "exact"
)

// Filter names a resampling kernel of golang.org/x/image/draw.
type Filter string

// The filters. The zero value means FilterCatmullRom.
const (
	FilterCatmullRom Filter = "catmullrom" // sharp, good for photos and art (default)
	FilterBilinear   Filter = "bilinear"
	FilterNearest    Filter = "nearest" // keeps hard pixel edges: pixel art
)

// Op is one operation: a Kind and the fields that kind reads. Build one with
// Resize, Crop, CropCenter, Trim or Pad.
type Op struct {
	Kind Kind

	// Resize: the target box (one of them may be 0: keep the aspect ratio),
	// the fit and the filter. Crop: the size of the region.
	Width, Height int
	Fit           Fit
	Filter        Filter

	// Crop: the top-left corner of the region, unless Centered.
	X, Y     int
	Centered bool

	// Trim: a pixel whose alpha is at most Threshold counts as transparent.
	Threshold uint8

	// Pad: pixels added on each side, filled with Color.
	Top, Right, Bottom, Left int
	Color                    color.NRGBA
}

// Resize scales to width x height with fit; one of them may be 0 to keep the
// aspect ratio (then fit does not matter).
func Resize(width, height int, fit Fit) Op {
	return Op{Kind: KindResize, Width: width, Height: height, Fit: fit}
}

// Crop keeps the width x height region whose top-left corner is (x, y).
func Crop(x, y, width, height int) Op {
	return Op{Kind: KindCrop, X: x, Y: y, Width: width, Height: height}
}

// CropCenter keeps the width x height region around the centre.
func CropCenter(width, height int) Op {
	return Op{Kind: KindCrop, Width: width, Height: height, Centered: true}
}

// Trim removes the borders whose pixels all have alpha <= threshold. An image
// with no pixel above the threshold becomes one transparent pixel.
func Trim(threshold uint8) Op {
	return Op{Kind: KindTrim, Threshold: threshold}
}

// Pad adds borders of the given widths, filled with c.
func Pad(top, right, bottom, left int, c color.NRGBA) Op {
	return Op{Kind: KindPad, Top: top, Right: right, Bottom: bottom, Left: left, Color: c}
}

// OpError is an operation that is invalid, or that cannot apply to the image
// it meets. Index is its position in the list (0-based).
type OpError struct {
	Index int
	Kind  Kind
	Err   error
}

func (e *OpError) Error() string {
	return fmt.Sprintf("operation %d (%s): %v", e.Index+1, e.Kind, e.Err)
}

func (e *OpError) Unwrap() error { return e.Err }

// Validate checks every operation without an image: sizes, fits, filters.
// It returns an *OpError for the first invalid one.
func Validate(ops []Op) error {
	for i, op := range ops {
		if err := op.validate(); err != nil {
			return &OpError{Index: i, Kind: op.Kind, Err: err}
		}
	}
	return nil
}

func (op Op) validate() error {
	switch op.Kind {
	case KindResize:
		if op.Width < 0 || op.Height < 0 {
			return fmt.Errorf("width %d and height %d must not be negative", op.Width, op.Height)
		}
		if op.Width == 0 && op.Height == 0 {
			return fmt.Errorf("resize to 0x0: give a width, a height or both")
		}
		if op.Width > MaxSide || op.Height > MaxSide {
			return fmt.Errorf("resize to %dx%d is beyond the %d px limit: ask for a smaller size", op.Width, op.Height, MaxSide)
		}
		switch op.Fit {
		case "", FitContain, FitCover, FitExact:
		default:
			return fmt.Errorf("unknown fit %q: use contain, cover or exact", op.Fit)
		}
		switch op.Filter {
		case "", FilterCatmullRom, FilterBilinear, FilterNearest:
		default:
			return fmt.Errorf("unknown filter %q: use catmullrom, bilinear or nearest", op.Filter)
		}
	case KindCrop:
		if op.Width <= 0 || op.Height <= 0 {
			return fmt.Errorf("crop to %dx%d: width and height must be at least 1", op.Width, op.Height)
		}
		if op.Width > MaxSide || op.Height > MaxSide {
			return fmt.Errorf("crop to %dx%d is beyond the %d px limit", op.Width, op.Height, MaxSide)
		}
		if op.X < 0 || op.Y < 0 {
			return fmt.Errorf("crop at (%d,%d): x and y must not be negative", op.X, op.Y)
		}
		if op.Centered && (op.X != 0 || op.Y != 0) {
			return fmt.Errorf("a centred crop takes no x or y: remove them or the centring")
		}
	case KindTrim:
		if op.Threshold == 255 {
			return fmt.Errorf("threshold 255 would trim every pixel: use 0 (only fully transparent) to 254")
		}
	case KindPad:
		for _, p := range []int{op.Top, op.Right, op.Bottom, op.Left} {
			if p < 0 || p > MaxSide {
				return fmt.Errorf("padding %d is out of range: use 0 to %d px", p, MaxSide)
			}
		}
	case "":
		return fmt.Errorf("operation has no kind: use resize, crop, trim or pad")
	default:
		return fmt.Errorf("unknown operation %q: use resize, crop, trim or pad", op.Kind)
	}
	return nil
}

// normal returns op with defaults filled in and unread fields zeroed, so that
// two ops doing the same thing describe the same way.
func (op Op) normal() Op {
	switch op.Kind {
	case KindResize:
		fit := op.Fit
		if fit == "" {
			fit = FitContain
		}
		if op.Width == 0 || op.Height == 0 {
			fit = FitContain // one side given: the fit changes nothing
		}
		filter := op.Filter
		if filter == "" {
			filter = FilterCatmullRom
		}
		return Op{Kind: op.Kind, Width: op.Width, Height: op.Height, Fit: fit, Filter: filter}
	case KindCrop:
		return Op{Kind: op.Kind, X: op.X, Y: op.Y, Width: op.Width, Height: op.Height, Centered: op.Centered}
	case KindTrim:
		return Op{Kind: op.Kind, Threshold: op.Threshold}
	case KindPad:
		return Op{Kind: op.Kind, Top: op.Top, Right: op.Right, Bottom: op.Bottom, Left: op.Left, Color: op.Color}
	}
	return op
}
