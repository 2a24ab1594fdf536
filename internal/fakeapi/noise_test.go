package fakeapi

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"image/png"
	"io"
	"net/http"
	"strconv"
	"testing"
)

// TestNoiseImages checks that NoiseBytes serves a whole, decodable PNG of
// about the size asked, the same for the same prompt, which does not
// compress, with its Content-Length.
func TestNoiseImages(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 100, 70_000, 1 << 20} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			t.Parallel()
			s := New(Options{NoiseBytes: size})
			t.Cleanup(s.Close)
			id := submit(t, s, `{"model":"google/gempix2","prompt":"p"}`)
			resp, err := http.Get(s.URL + "/files/" + id + ".png")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := resp.ContentLength, int64(len(body)); got != want {
				t.Errorf("Content-Length: got %d, want %d", got, want)
			}
			if got := int64(len(body)); got != noiseLen(size) {
				t.Errorf("length: got %d, want noiseLen %d", got, noiseLen(size))
			}
			if size >= 70_000 && (len(body) < size*99/100 || len(body) > size*101/100) {
				t.Errorf("got %d bytes, want about %d", len(body), size)
			}
			img, err := png.Decode(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if w, h := noiseDims(size); img.Bounds().Dx() != w || img.Bounds().Dy() != h {
				t.Errorf("bounds: got %v, want %dx%d", img.Bounds(), w, h)
			}
			if !bytes.Equal(body, s.ImagePNG("p")) {
				t.Error("the body differs from ImagePNG of its prompt")
			}
			if size >= 70_000 {
				var z bytes.Buffer
				zw, _ := zlib.NewWriterLevel(&z, flate.BestCompression)
				zw.Write(body)
				zw.Close()
				if z.Len() < len(body)*99/100 {
					t.Errorf("the image compresses from %d to %d bytes, want noise", len(body), z.Len())
				}
			}
		})
	}
}

// TestNoiseDefaultOff checks that without NoiseBytes images stay small
// identicons.
func TestNoiseDefaultOff(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	t.Cleanup(s.Close)
	if n := len(s.ImagePNG("p")); n > 1000 {
		t.Errorf("got a %d-byte default image, want a small identicon", n)
	}
}

// TestNoiseTruncate checks that a truncate fault cuts a noise image in half,
// framed as complete.
func TestNoiseTruncate(t *testing.T) {
	t.Parallel()
	s := New(Options{NoiseBytes: 200_000})
	t.Cleanup(s.Close)
	s.Inject(Fault{Op: "download", Kind: "truncate", Times: 1})
	id := submit(t, s, `{"model":"google/gempix2","prompt":"p"}`)
	code, body := do(t, "GET", s.URL+"/files/"+id+".png", "", "")
	if code != 200 || int64(len(body)) != noiseLen(200_000)/2 {
		t.Fatalf("got %d with %d bytes, want 200 with %d", code, len(body), noiseLen(200_000)/2)
	}
	if _, err := png.Decode(bytes.NewReader([]byte(body))); err == nil {
		t.Error("the truncated image decodes")
	}
}
