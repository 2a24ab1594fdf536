package fakeapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"sync"
)

// imageCache holds the PNG of each prompt, rendered once.
type imageCache struct {
	w, h int
	m    sync.Map // prompt -> *fakeImage
}

type fakeImage struct {
	png     []byte
	dataURI string
}

func newImageCache(w, h int) *imageCache { return &imageCache{w: w, h: h} }

// get returns the image of prompt: a deterministic, decodable PNG.
func (c *imageCache) get(prompt string) *fakeImage {
	if v, ok := c.m.Load(prompt); ok {
		return v.(*fakeImage)
	}
	data := renderPNG(prompt, c.w, c.h)
	img := &fakeImage{png: data, dataURI: "data:image/png;base64," + base64.StdEncoding.EncodeToString(data)}
	v, _ := c.m.LoadOrStore(prompt, img)
	return v.(*fakeImage)
}

// renderPNG draws a symmetric 5x5 identicon of the prompt's hash.
func renderPNG(prompt string, w, h int) []byte {
	sum := sha256.Sum256([]byte(prompt))
	pal := color.Palette{
		color.RGBA{R: 240, G: 240, B: 240, A: 255},
		color.RGBA{R: sum[0], G: sum[1], B: sum[2], A: 255},
	}
	img := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	for y := 0; y < h; y++ {
		cy := y * 5 / h
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		for x := range row {
			cx := x * 5 / w
			if cx > 2 {
				cx = 4 - cx
			}
			if sum[3+cy*3+cx]&1 == 1 {
				row[x] = 1
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil
	}
	return buf.Bytes()
}
