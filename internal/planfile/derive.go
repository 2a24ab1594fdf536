package planfile

import "github.com/pixform/pixform/spec"

// deriveV2 is a derive's settings, as apply needs them to build it.
type deriveV2 struct {
	Source   string       `json:"source"`
	Ops      []deriveOpV2 `json:"ops,omitempty"`
	Format   string       `json:"format"`
	Quality  int          `json:"quality,omitempty"`
	Lossless bool         `json:"lossless,omitempty"`
	Describe string       `json:"describe"`
}

// deriveOpV2 is one operation of a derive.
type deriveOpV2 struct {
	Kind      string `json:"kind"`
	Width     int    `json:"width,omitempty"`
	Height    int    `json:"height,omitempty"`
	Fit       string `json:"fit,omitempty"`
	Filter    string `json:"filter,omitempty"`
	X         int    `json:"x,omitempty"`
	Y         int    `json:"y,omitempty"`
	Center    bool   `json:"center,omitempty"`
	Threshold int    `json:"threshold,omitempty"`
	Top       int    `json:"top,omitempty"`
	Right     int    `json:"right,omitempty"`
	Bottom    int    `json:"bottom,omitempty"`
	Left      int    `json:"left,omitempty"`
	Color     string `json:"color,omitempty"`
}

func deriveToWire(d *spec.Derive) *deriveV2 {
	if d == nil {
		return nil
	}
	w := &deriveV2{Source: d.Source, Format: d.Format, Quality: d.Quality, Lossless: d.Lossless, Describe: d.Describe}
	for _, o := range d.Ops {
		w.Ops = append(w.Ops, deriveOpV2{Kind: o.Kind, Width: o.Width, Height: o.Height, Fit: o.Fit, Filter: o.Filter,
			X: o.X, Y: o.Y, Center: o.Center, Threshold: o.Threshold,
			Top: o.Top, Right: o.Right, Bottom: o.Bottom, Left: o.Left, Color: o.Color})
	}
	return w
}

func deriveFromWire(w *deriveV2) *spec.Derive {
	if w == nil {
		return nil
	}
	d := &spec.Derive{Source: w.Source, Format: w.Format, Quality: w.Quality, Lossless: w.Lossless, Describe: w.Describe}
	for _, o := range w.Ops {
		d.Ops = append(d.Ops, spec.DeriveOp{Kind: o.Kind, Width: o.Width, Height: o.Height, Fit: o.Fit, Filter: o.Filter,
			X: o.X, Y: o.Y, Center: o.Center, Threshold: o.Threshold,
			Top: o.Top, Right: o.Right, Bottom: o.Bottom, Left: o.Left, Color: o.Color})
	}
	return d
}

// checkV2 is an image's or derive's check block, which apply measures the
// output against.
type checkV2 struct {
	Width           int     `json:"width,omitempty"`
	Height          int     `json:"height,omitempty"`
	Aspect          float64 `json:"aspect_ratio,omitempty"`
	AspectTolerance float64 `json:"aspect_tolerance,omitempty"`
	Alpha           bool    `json:"alpha,omitempty"`
	MaxBytes        int64   `json:"max_bytes,omitempty"`
}

func checkToWire(c *spec.Check) *checkV2 {
	if c == nil {
		return nil
	}
	return &checkV2{Width: c.Width, Height: c.Height, Aspect: c.Aspect, AspectTolerance: c.AspectTolerance, Alpha: c.Alpha, MaxBytes: c.MaxBytes}
}

func checkFromWire(w *checkV2) *spec.Check {
	if w == nil {
		return nil
	}
	return &spec.Check{Width: w.Width, Height: w.Height, Aspect: w.Aspect, AspectTolerance: w.AspectTolerance, Alpha: w.Alpha, MaxBytes: w.MaxBytes}
}
