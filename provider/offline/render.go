package offline

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"sync"

	"github.com/pixform/pixform/provider"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The placeholder is drawn on a small canvas, 256 pixels on its long side,
// then scaled up by a whole factor: crisp, cheap, and legible.
const canvasLong = 256

// Palette indexes of the placeholder.
const (
	ixBackground = iota
	ixStripe
	ixBorder
	ixText
	ixPanel
)

// Render returns the placeholder PNG of req: same request, same bytes. It
// shows the word PLACEHOLDER, the prompt and the model on diagonal stripes
// in a color derived from the prompt. Its shape follows req.AspectRatio
// (1:1 when absent or unknown) and its long side req.ImageSize: 512 pixels
// by default and for "1k", 768 for "2k", 1024 for "4k".
func Render(req provider.Request) ([]byte, error) {
	w, h := canvasSize(req.AspectRatio)
	img := image.NewPaletted(image.Rect(0, 0, w, h), palette(paletteSeed(req)))
	drawBackground(img)
	drawTexts(img, req)
	big := upscale(img, scale(req.ImageSize))
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: encoderPool{}}
	if err := enc.Encode(&buf, big); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// paletteSeed is what the colors derive from: the prompt, and the
// candidate number, so that candidates of one image look apart.
func paletteSeed(req provider.Request) string {
	if req.Candidate > 0 {
		return fmt.Sprintf("%s\x00candidate %d", req.Prompt, req.Candidate)
	}
	return req.Prompt
}

// canvasSize returns the small canvas for an aspect ratio "W:H".
func canvasSize(aspect string) (w, h int) {
	a, b, ok := strings.Cut(aspect, ":")
	x, errX := strconv.Atoi(strings.TrimSpace(a))
	y, errY := strconv.Atoi(strings.TrimSpace(b))
	if !ok || errX != nil || errY != nil || x <= 0 || y <= 0 || x > 100*y || y > 100*x {
		return canvasLong, canvasLong
	}
	if x >= y {
		return canvasLong, max(1, (canvasLong*y+x/2)/x)
	}
	return max(1, (canvasLong*x+y/2)/y), canvasLong
}

func scale(size string) int {
	switch strings.ToLower(size) {
	case "2k":
		return 3
	case "4k":
		return 4
	}
	return 2
}

// palette derives the placeholder's colors from the prompt: a pastel hue,
// darker shades of it for the stripes and border, dark text on a light
// panel.
func palette(prompt string) color.Palette {
	sum := sha256.Sum256([]byte(prompt))
	hue := float64(int(sum[0])<<8|int(sum[1])) / 65536 * 360
	bg := hsv(hue, 0.35, 0.93)
	pal := color.Palette{
		ixBackground: bg,
		ixStripe:     shade(bg, 0.88),
		ixBorder:     shade(bg, 0.45),
		ixText:       color.RGBA{R: 26, G: 26, B: 26, A: 255},
		ixPanel:      color.RGBA{R: 248, G: 248, B: 246, A: 255},
	}
	// More than 16 entries make the PNG encoder write 8-bit indexes by
	// copying rows, far faster than packing 4-bit ones pixel by pixel.
	for len(pal) < 17 {
		pal = append(pal, pal[ixText])
	}
	return pal
}

// encoderPool shares PNG encoder buffers (the deflate state is large)
// between renders.
type encoderPool struct{}

var pngBuffers sync.Pool

func (encoderPool) Get() *png.EncoderBuffer {
	b, _ := pngBuffers.Get().(*png.EncoderBuffer)
	return b
}

func (encoderPool) Put(b *png.EncoderBuffer) { pngBuffers.Put(b) }

func hsv(h, s, v float64) color.RGBA {
	c := v * s
	hp := h / 60
	x := c * (1 - abs(mod2(hp)-1))
	var r, g, b float64
	switch {
	case hp < 1:
		r, g = c, x
	case hp < 2:
		r, g = x, c
	case hp < 3:
		g, b = c, x
	case hp < 4:
		g, b = x, c
	case hp < 5:
		r, b = x, c
	default:
		r, b = c, x
	}
	m := v - c
	to8 := func(f float64) uint8 { return uint8((f+m)*255 + 0.5) }
	return color.RGBA{R: to8(r), G: to8(g), B: to8(b), A: 255}
}

func mod2(f float64) float64 {
	for f >= 2 {
		f -= 2
	}
	return f
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func shade(c color.RGBA, f float64) color.RGBA {
	m := func(v uint8) uint8 { return uint8(float64(v)*f + 0.5) }
	return color.RGBA{R: m(c.R), G: m(c.G), B: m(c.B), A: 255}
}

// drawBackground paints diagonal stripes and a border straight into Pix.
func drawBackground(img *image.Paletted) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	const border = 3
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		for x := range row {
			switch {
			case x < border || y < border || x >= w-border || y >= h-border:
				row[x] = ixBorder
			case ((x+y)/8)%2 == 1:
				row[x] = ixStripe
			default:
				row[x] = ixBackground
			}
		}
	}
}

// fill sets a rectangle of img to one palette index.
func fill(img *image.Paletted, r image.Rectangle, ix uint8) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[y*img.Stride+r.Min.X : y*img.Stride+r.Max.X]
		for x := range row {
			row[x] = ix
		}
	}
}

// upscale enlarges img by a whole factor, nearest neighbour.
func upscale(img *image.Paletted, k int) *image.Paletted {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewPaletted(image.Rect(0, 0, w*k, h*k), img.Palette)
	for y := 0; y < h; y++ {
		src := img.Pix[y*img.Stride : y*img.Stride+w]
		first := out.Pix[y*k*out.Stride : y*k*out.Stride+w*k]
		for x, ix := range src {
			for i := 0; i < k; i++ {
				first[x*k+i] = ix
			}
		}
		for i := 1; i < k; i++ {
			copy(out.Pix[(y*k+i)*out.Stride:], first)
		}
	}
	return out
}

// drawString draws s with its top-left corner at (x, y).
func drawString(img *image.Paletted, x, y int, s string) {
	d := font.Drawer{
		Dst:  img,
		Src:  image.NewUniform(img.Palette[ixText]),
		Face: basicfont.Face7x13,
		Dot:  fixed.P(x, y+basicfont.Face7x13.Ascent),
	}
	d.DrawString(s)
}

// blitScaled draws src enlarged k times at (x, y) of dst.
func blitScaled(dst, src *image.Paletted, x, y, k int) {
	big := upscale(src, k)
	r := big.Rect.Add(image.Pt(x, y)).Intersect(dst.Rect)
	for yy := r.Min.Y; yy < r.Max.Y; yy++ {
		from := big.Pix[(yy-y)*big.Stride+(r.Min.X-x):]
		copy(dst.Pix[yy*dst.Stride+r.Min.X:yy*dst.Stride+r.Max.X], from)
	}
}
