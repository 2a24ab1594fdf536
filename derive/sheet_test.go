package derive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"math/rand/v2"
	"strings"
	"testing"
)

// grid is n sprites of w x h, each opaque and distinct.
func grid(n, w, h int) []Sprite {
	s := make([]Sprite, n)
	for i := range s {
		s[i] = Sprite{Name: fmt.Sprintf("s%03d", i), Image: sprite(w, h, image.Rect(0, 0, w, h), uint8(i))}
	}
	return s
}

// mixed is n sprites of varied sizes, each with a transparent border of
// varied width that trimming removes.
func mixed(n int) []Sprite {
	r := rand.New(rand.NewPCG(1, 2))
	s := make([]Sprite, n)
	for i := range s {
		w, h := 16+r.IntN(112), 16+r.IntN(112)
		bx, by := r.IntN(12), r.IntN(12)
		s[i] = Sprite{Name: fmt.Sprintf("m%03d", i), Image: sprite(w+2*bx, h+by, image.Rect(bx, by, bx+w, by+h), uint8(i))}
	}
	return s
}

// checkSheet checks each frame's pixels against its source, that frames
// keep the padding from each other and from the edges, and the atlas.
func checkSheet(t *testing.T, sprites []Sprite, o SheetOptions, sh *Sheet) {
	t.Helper()
	src := map[string]*image.NRGBA{}
	for _, s := range sprites {
		src[s.Name] = s.Image
	}
	bounds := sh.Image.Rect.Inset(o.Padding)
	for i, f := range sh.Frames {
		fr := image.Rect(f.X, f.Y, f.X+f.W, f.Y+f.H)
		if !fr.In(bounds) {
			t.Fatalf("frame %s at %v is outside %v (padding %d)", f.Name, fr, sh.Image.Rect, o.Padding)
		}
		for _, g := range sh.Frames[i+1:] {
			gr := image.Rect(g.X, g.Y, g.X+g.W, g.Y+g.H)
			if fr.Inset(-o.Padding).Overlaps(gr) {
				t.Fatalf("frames %s %v and %s %v are closer than %d px", f.Name, fr, g.Name, gr, o.Padding)
			}
		}
		m := src[f.Name]
		if f.SourceW != m.Rect.Dx() || f.SourceH != m.Rect.Dy() {
			t.Fatalf("frame %s: source size %dx%d, want %v", f.Name, f.SourceW, f.SourceH, m.Rect.Size())
		}
		samePixels(t, "frame "+f.Name, sh.Image, fr, m, image.Rect(f.SourceX, f.SourceY, f.SourceX+f.W, f.SourceY+f.H))
		if o.Trim {
			// Nothing opaque was cut off: the rest of the source is transparent.
			keep := image.Rect(f.SourceX, f.SourceY, f.SourceX+f.W, f.SourceY+f.H)
			for y := 0; y < m.Rect.Dy(); y++ {
				for x := 0; x < m.Rect.Dx(); x++ {
					if !image.Pt(x, y).In(keep) && m.NRGBAAt(x, y).A > o.TrimThreshold {
						t.Fatalf("frame %s: trim cut the visible pixel (%d,%d)", f.Name, x, y)
					}
				}
			}
		}
	}
}

func TestPackFramesEqualSources(t *testing.T) {
	for _, o := range []SheetOptions{
		{},
		{Padding: 2},
		{Padding: 1, Trim: true},
		{Padding: 3, Trim: true, PowerOfTwo: true},
	} {
		t.Run(fmt.Sprintf("%+v", o), func(t *testing.T) {
			sprites := mixed(60)
			sh, err := Pack(sprites, o)
			if err != nil {
				t.Fatal(err)
			}
			checkSheet(t, sprites, o, sh)
			if w, h := sh.Image.Rect.Dx(), sh.Image.Rect.Dy(); o.PowerOfTwo && (w&(w-1) != 0 || h&(h-1) != 0) {
				t.Errorf("sheet %dx%d is not a power of two", w, h)
			}
			// The sheet round-trips through PNG with every frame intact.
			var b bytes.Buffer
			if err := Encode(&b, sh.Image, Encoding{Format: FormatPNG}); err != nil {
				t.Fatal(err)
			}
			checkSheet(t, sprites, o, &Sheet{Image: decodeNRGBA(t, b.Bytes()), Frames: sh.Frames})
		})
	}
}

func TestPackIsDeterministic(t *testing.T) {
	o := SheetOptions{Padding: 2, Trim: true}
	out := func(sprites []Sprite) (png, atlas []byte) {
		sh, err := Pack(sprites, o)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := Encode(&b, sh.Image, Encoding{Format: FormatPNG}); err != nil {
			t.Fatal(err)
		}
		a, err := sh.Atlas("sheet.png")
		if err != nil {
			t.Fatal(err)
		}
		return b.Bytes(), a
	}
	sprites := append(mixed(80), grid(20, 32, 32)...) // sizes that tie, too
	png1, atlas1 := out(sprites)
	shuffled := append([]Sprite(nil), sprites...)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	png2, atlas2 := out(shuffled)
	if !bytes.Equal(png1, png2) || !bytes.Equal(atlas1, atlas2) {
		t.Fatal("the same sprites in another order make another sheet")
	}
	png3, atlas3 := out(sprites)
	if !bytes.Equal(png1, png3) || !bytes.Equal(atlas1, atlas3) {
		t.Fatal("packing twice makes two sheets")
	}
}

func TestPackOccupancy(t *testing.T) {
	for _, tt := range []struct {
		name    string
		sprites []Sprite
		o       SheetOptions
	}{
		{"256 of 128x128", grid(256, 128, 128), SheetOptions{}},
		{"256 of 128x128, power of two", grid(256, 128, 128), SheetOptions{PowerOfTwo: true}},
		{"256 of 128x128, padding 2", grid(256, 128, 128), SheetOptions{Padding: 2}},
		{"200 mixed sizes after trim", mixed(200), SheetOptions{Trim: true}},
		{"200 mixed sizes after trim, padding 1", mixed(200), SheetOptions{Trim: true, Padding: 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sh, err := Pack(tt.sprites, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			occ := sh.Occupancy()
			t.Logf("%dx%d, occupancy %.3f", sh.Image.Rect.Dx(), sh.Image.Rect.Dy(), occ)
			if occ < 0.85 {
				t.Errorf("occupancy %.3f, want at least 0.85", occ)
			}
		})
	}
}

func TestPackTooLargeSaysWhatFits(t *testing.T) {
	sprites := grid(256, 128, 128)
	for _, tt := range []struct {
		o        SheetOptions
		smallest int
	}{
		{SheetOptions{MaxSize: 1024}, 2048},
		{SheetOptions{MaxSize: 1024, Padding: 2}, 2082},
		{SheetOptions{MaxSize: 1024, Padding: 2, PowerOfTwo: true}, 4096},
	} {
		_, err := Pack(sprites, tt.o)
		var se *SheetError
		if !errors.As(err, &se) || se.Smallest != tt.smallest {
			t.Fatalf("%+v: error %v, want a *SheetError with smallest %d", tt.o, err, tt.smallest)
		}
		want := fmt.Sprintf("do not fit max_size 1024: the smallest square sheet that holds them is %dx%d; raise max_size to %d", tt.smallest, tt.smallest, tt.smallest)
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
		// The size it names does fit.
		o := tt.o
		o.MaxSize = tt.smallest
		if _, err := Pack(sprites, o); err != nil {
			t.Errorf("max_size %d, named as fitting: %v", tt.smallest, err)
		}
	}
	if _, err := Pack([]Sprite{{Name: "big", Image: image.NewNRGBA(image.Rect(0, 0, 300, 10))}}, SheetOptions{MaxSize: 256}); err == nil || !strings.Contains(err.Error(), "300x300") {
		t.Errorf("a sprite wider than max_size: %v", err)
	}
}

func TestPackRefuses(t *testing.T) {
	one := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	for _, tt := range []struct {
		sprites []Sprite
		o       SheetOptions
		want    string
	}{
		{nil, SheetOptions{}, "no sprites"},
		{[]Sprite{{Name: "a", Image: one}, {Name: "a", Image: one}}, SheetOptions{}, `two sprites are named "a"`},
		{[]Sprite{{Name: "a"}}, SheetOptions{}, "has no image"},
		{[]Sprite{{Name: "a", Image: one}}, SheetOptions{Padding: -1}, "padding -1"},
		{[]Sprite{{Name: "a", Image: one}}, SheetOptions{MaxSize: 20000}, "max_size 20000"},
	} {
		_, err := Pack(tt.sprites, tt.o)
		var se *SheetError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v, want a *SheetError saying %q", err, tt.want)
		}
	}
}

func TestAtlasIsTexturePackerJSONHash(t *testing.T) {
	a := sprite(10, 8, image.Rect(2, 1, 7, 8), 1)
	b := sprite(4, 4, image.Rect(0, 0, 4, 4), 2)
	sh, err := Pack([]Sprite{{Name: `image.hero["knight"]`, Image: a}, {Name: "b", Image: b}}, SheetOptions{Trim: true, Padding: 1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := sh.Atlas("sprites/sheet.png")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "frames": {
    "b": {
      "frame": {"x": 1, "y": 9, "w": 4, "h": 4},
      "rotated": false,
      "trimmed": false,
      "spriteSourceSize": {"x": 0, "y": 0, "w": 4, "h": 4},
      "sourceSize": {"w": 4, "h": 4}
    },
    "image.hero[\"knight\"]": {
      "frame": {"x": 1, "y": 1, "w": 5, "h": 7},
      "rotated": false,
      "trimmed": true,
      "spriteSourceSize": {"x": 2, "y": 1, "w": 5, "h": 7},
      "sourceSize": {"w": 10, "h": 8}
    }
  },
  "meta": {"app": "pixform", "version": "1", "image": "sprites/sheet.png", "format": "RGBA8888", "size": {"w": 7, "h": 14}, "scale": "1"}
}`
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("atlas is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("atlas =\n%s\nwant\n%s", got, want)
	}
	checkSheet(t, []Sprite{{Name: `image.hero["knight"]`, Image: a}, {Name: "b", Image: b}}, SheetOptions{Trim: true, Padding: 1}, sh)
}
