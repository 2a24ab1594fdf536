package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
)

// splitFiles is how many files the split layout spreads the blocks over.
const splitFiles = 100

// shape is one spec directory of n image blocks and n/10 reference files.
type shape struct {
	dir string
	n   int
}

// refs is the number of reference files of n images (at least one).
func refs(n int) int { return max(n/10, 1) }

// block is image block i: its own prompt, one reference, its own output.
func block(i, nrefs int, prompt string) []byte {
	return fmt.Appendf(nil, `
image "img_%06d" {
  prompt = %q
  images = ["refs/%05d.png"]
  output = "out/%03d/%06d.png"
}
`, i, prompt, i%nrefs, i/1000, i)
}

// prompt is the prompt of image i, as first written.
func prompt(i int) string {
	return fmt.Sprintf("Illustration %d for the catalogue: a %s %s on a plain background, flat vector, pastel palette",
		i, colours[i%len(colours)], things[(i/len(colours))%len(things)])
}

var (
	colours = []string{"red", "green", "blue", "yellow", "purple", "orange", "teal"}
	things  = []string{"teapot", "bicycle", "lighthouse", "fox", "cactus", "violin", "kite", "owl", "anchor", "lantern", "turtle"}
)

// newShape writes, in a new temp directory, the reference files and the
// spec of n images in one file.
func newShape(n int) (*shape, error) {
	dir, err := os.MkdirTemp("", fmt.Sprintf("pixform-plan-bench-%d-*", n))
	if err != nil {
		return nil, err
	}
	s := &shape{dir: dir, n: n}
	if err := os.MkdirAll(filepath.Join(dir, "refs"), 0o755); err != nil {
		return nil, err
	}
	for i := range refs(n) {
		data, err := refPNG(i)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "refs", fmt.Sprintf("%05d.png", i)), data, 0o644); err != nil {
			return nil, err
		}
	}
	return s, s.layout(1, -1, "")
}

// refPNG is a small PNG, distinct for each i: plan checks that a
// reference is an image.
func refPNG(i int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for p := 0; p < len(img.Pix); p += 4 {
		img.Pix[p], img.Pix[p+1], img.Pix[p+2], img.Pix[p+3] = byte(i), byte(i>>8), byte(i>>16), 255
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// layout rewrites the spec as files spec files (1 or splitFiles), with
// the prompt of image changed (if not -1) replaced by p.
func (s *shape) layout(files, changed int, p string) error {
	old, err := filepath.Glob(filepath.Join(s.dir, "*.pix.hcl"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	nrefs := refs(s.n)
	per := (s.n + files - 1) / files
	for f := range files {
		var src []byte
		if f == 0 {
			src = []byte("provider \"offline\" {}\n")
		}
		for i := f * per; i < min((f+1)*per, s.n); i++ {
			pr := prompt(i)
			if i == changed {
				pr = p
			}
			src = append(src, block(i, nrefs, pr)...)
		}
		name := "images.pix.hcl"
		if files > 1 {
			name = fmt.Sprintf("images_%03d.pix.hcl", f)
		}
		if err := os.WriteFile(filepath.Join(s.dir, name), src, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// layoutName names a layout of files spec files.
func layoutName(files int) string {
	if files == 1 {
		return "one file"
	}
	return fmt.Sprintf("%d files", files)
}

// count formats n as 1k, 10k, 100k.
func count(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// parseCounts reads "1000,10000,100000" (k suffixes allowed).
func parseCounts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(strings.ToLower(f))
		mult := 1
		if strings.HasSuffix(f, "k") {
			f, mult = strings.TrimSuffix(f, "k"), 1000
		}
		var v int
		if _, err := fmt.Sscan(f, &v); err != nil || v < 1 {
			return nil, fmt.Errorf("%q is not a number of images", f)
		}
		out = append(out, v*mult)
	}
	return out, nil
}
