package derive

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// AtlasApp and AtlasVersion fill the atlas's meta.app and meta.version.
const (
	AtlasApp     = "pixform"
	AtlasVersion = "1"
)

type atlasRect struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

type atlasSize struct {
	W int `json:"w"`
	H int `json:"h"`
}

type atlasFrame struct {
	Frame            atlasRect `json:"frame"`
	Rotated          bool      `json:"rotated"`
	Trimmed          bool      `json:"trimmed"`
	SpriteSourceSize atlasRect `json:"spriteSourceSize"`
	SourceSize       atlasSize `json:"sourceSize"`
}

type atlasMeta struct {
	App     string    `json:"app"`
	Version string    `json:"version"`
	Image   string    `json:"image"`
	Format  string    `json:"format"`
	Size    atlasSize `json:"size"`
	Scale   string    `json:"scale"`
}

type atlas struct {
	Frames map[string]atlasFrame `json:"frames"`
	Meta   atlasMeta             `json:"meta"`
}

// Atlas is the sheet's atlas in TexturePacker's JSON-hash format, which
// Phaser and PixiJS read: frames by name (in name order), never rotated, and
// meta naming image, the sheet's file as the engine will load it (relative to
// the atlas). The bytes depend only on the sheet and image.
func (s *Sheet) Atlas(image string) ([]byte, error) {
	a := atlas{
		Frames: make(map[string]atlasFrame, len(s.Frames)),
		Meta: atlasMeta{
			App: AtlasApp, Version: AtlasVersion, Image: image, Format: "RGBA8888",
			Size:  atlasSize{W: s.Image.Rect.Dx(), H: s.Image.Rect.Dy()},
			Scale: "1",
		},
	}
	for _, f := range s.Frames {
		a.Frames[f.Name] = atlasFrame{
			Frame:            atlasRect{X: f.X, Y: f.Y, W: f.W, H: f.H},
			Trimmed:          f.Trimmed,
			SpriteSourceSize: atlasRect{X: f.SourceX, Y: f.SourceY, W: f.W, H: f.H},
			SourceSize:       atlasSize{W: f.SourceW, H: f.SourceH},
		}
	}
	var b bytes.Buffer
	e := json.NewEncoder(&b) // maps encode in key order
	e.SetIndent("", "  ")
	e.SetEscapeHTML(false) // a frame named a<b stays a<b
	if err := e.Encode(a); err != nil {
		return nil, fmt.Errorf("atlas: %w", err)
	}
	return b.Bytes(), nil
}
