package derive

import (
	"fmt"
	"image"
	"sort"
)

// DefaultMaxSheetSize is the largest sheet side when SheetOptions.MaxSize is 0:
// what every current GPU accepts as a texture.
const DefaultMaxSheetSize = 4096

// Sprite is one frame to pack: its name in the atlas and its pixels.
type Sprite struct {
	Name  string
	Image *image.NRGBA
}

// SheetOptions shape a sheet.
type SheetOptions struct {
	// Padding is the gap, in pixels, between frames and between a frame and
	// the sheet's edges.
	Padding int
	// Trim removes each sprite's transparent borders (alpha <= TrimThreshold)
	// before packing; the atlas says where the frame sat in the source.
	Trim          bool
	TrimThreshold uint8
	// MaxSize bounds the sheet's width and height (0: DefaultMaxSheetSize).
	MaxSize int
	// PowerOfTwo makes both sides powers of two.
	PowerOfTwo bool
}

// Frame is where a sprite landed.
type Frame struct {
	Name string
	// X, Y, W, H: the frame's rectangle on the sheet.
	X, Y, W, H int
	// Trimmed: trimming removed a border. SourceX, SourceY: where the frame's
	// top-left pixel sat in the source; SourceW, SourceH: the source's size.
	Trimmed                            bool
	SourceX, SourceY, SourceW, SourceH int
}

// Sheet is a packed sprite sheet.
type Sheet struct {
	Image  *image.NRGBA
	Frames []Frame // sorted by name
}

// SheetError is a sheet that cannot be made as asked. Smallest is, when the
// frames do not fit MaxSize, the side of the smallest square sheet that holds
// them (0 when not even MaxSide does, or for another failure).
type SheetError struct {
	Smallest int
	Err      error
}

func (e *SheetError) Error() string { return "sheet: " + e.Err.Error() }

func (e *SheetError) Unwrap() error { return e.Err }

func sheetErr(format string, a ...any) error {
	return &SheetError{Err: fmt.Errorf(format, a...)}
}

// Validate checks the options without sprites.
func (o SheetOptions) Validate() error {
	switch {
	case o.Padding < 0 || o.Padding > 1024:
		return sheetErr("padding %d is out of range: use 0 to 1024 px", o.Padding)
	case o.MaxSize < 0 || o.MaxSize > MaxSide:
		return sheetErr("max_size %d is out of range: use 1 to %d px", o.MaxSize, MaxSide)
	case o.Trim && o.TrimThreshold == 255:
		return sheetErr("trim threshold 255 would trim every pixel: use 0 to 254")
	}
	return nil
}

// Pack packs sprites into one sheet. The result depends only on the sprites'
// names and pixels and on o, never on the order of sprites: they are sorted
// (tallest first, then widest, then by name) and placed by a deterministic
// MaxRects packer that tries several sheet widths and keeps the smallest area.
func Pack(sprites []Sprite, o SheetOptions) (*Sheet, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if len(sprites) == 0 {
		return nil, sheetErr("no sprites to pack: list at least one image")
	}
	maxSize := o.MaxSize
	if maxSize == 0 {
		maxSize = DefaultMaxSheetSize
	}
	type item struct {
		frame Frame
		img   *image.NRGBA
	}
	items := make([]item, len(sprites))
	seen := make(map[string]bool, len(sprites))
	for i, s := range sprites {
		if s.Image == nil {
			return nil, sheetErr("sprite %q has no image", s.Name)
		}
		if seen[s.Name] {
			return nil, sheetErr("two sprites are named %q: give each frame its own name", s.Name)
		}
		seen[s.Name] = true
		m := toNRGBA(s.Image)
		w, h := m.Rect.Dx(), m.Rect.Dy()
		f := Frame{Name: s.Name, SourceW: w, SourceH: h, W: w, H: h}
		if o.Trim {
			var r image.Rectangle
			m, r = trim(m, o.TrimThreshold)
			f.SourceX, f.SourceY, f.W, f.H = r.Min.X, r.Min.Y, m.Rect.Dx(), m.Rect.Dy()
			f.Trimmed = f.W != w || f.H != h
		}
		items[i] = item{frame: f, img: m}
	}
	sort.Slice(items, func(i, j int) bool {
		a, b := items[i].frame, items[j].frame
		if a.H != b.H {
			return a.H > b.H
		}
		if a.W != b.W {
			return a.W > b.W
		}
		return a.Name < b.Name
	})
	boxes := make([]image.Point, len(items))
	for i, it := range items {
		boxes[i] = image.Pt(it.frame.W+o.Padding, it.frame.H+o.Padding)
	}
	pk, sw, sh, ok := layout(boxes, o.Padding, maxSize, o.PowerOfTwo)
	if !ok {
		s := smallestSquare(boxes, o.Padding, o.PowerOfTwo)
		if s == 0 {
			return nil, &SheetError{Err: fmt.Errorf("%d frames do not fit even a %dx%d sheet: split them into several sheets", len(items), MaxSide, MaxSide)}
		}
		return nil, &SheetError{Smallest: s, Err: fmt.Errorf("%d frames do not fit max_size %d: the smallest square sheet that holds them is %dx%d; raise max_size to %d, trim, or split the sheet", len(items), maxSize, s, s, s)}
	}
	sheet := &Sheet{Image: image.NewNRGBA(image.Rect(0, 0, sw, sh)), Frames: make([]Frame, len(items))}
	for i, it := range items {
		f := it.frame
		f.X, f.Y = pk.at[i].X+o.Padding, pk.at[i].Y+o.Padding
		copyRect(sheet.Image, f.X, f.Y, it.img, it.img.Rect)
		sheet.Frames[i] = f
	}
	sort.Slice(sheet.Frames, func(i, j int) bool { return sheet.Frames[i].Name < sheet.Frames[j].Name })
	return sheet, nil
}

// Occupancy is the frames' area over the sheet's area.
func (s *Sheet) Occupancy() float64 {
	used := 0
	for _, f := range s.Frames {
		used += f.W * f.H
	}
	return float64(used) / float64(s.Image.Rect.Dx()*s.Image.Rect.Dy())
}
