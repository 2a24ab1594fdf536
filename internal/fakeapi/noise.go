package fakeapi

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
)

// Noise images (Options.NoiseBytes) are PNGs of random RGB pixels whose
// pixel data is stored, not compressed (deflate "stored" blocks), so that
// the file is as large as asked however a client compresses or caches it.
// They are drawn from a generator seeded by the prompt (same prompt, same
// bytes) and streamed as they are made: the server never holds one whole,
// so a benchmark of many large downloads measures the client, not the fake.

// storedBlock is the largest payload of one deflate stored block.
const storedBlock = 65535

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// noiseDims returns the width and height of the noise image of about size
// bytes: rows of up to 1,024 RGB pixels, at least one row.
func noiseDims(size int) (w, h int) {
	w = min(1024, max(1, int(math.Sqrt(float64(size)/3))))
	h = max(1, size/(1+3*w))
	return w, h
}

// noiseLen is the exact length of the noise PNG of about size bytes.
func noiseLen(size int) int64 {
	w, h := noiseDims(size)
	raw := int64(h) * int64(1+3*w)
	blocks := (raw + storedBlock - 1) / storedBlock
	// signature, IHDR, one IDAT per stored block (12 bytes of chunk framing,
	// 5 of block header), zlib header and Adler-32, IEND.
	return 8 + 25 + blocks*(12+5) + raw + 2 + 4 + 12
}

// writeNoisePNG writes the noise PNG of prompt, of about size bytes, to w.
func writeNoisePNG(w io.Writer, prompt string, size int) error {
	width, height := noiseDims(size)
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(pngSignature)
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits per sample, RGB; deflate, no filter, no interlace
	writeChunk(bw, "IHDR", ihdr[:])

	rng := rand.NewChaCha8(sha256.Sum256([]byte(prompt)))
	rowLen := int64(1 + 3*width)
	raw := int64(height) * rowLen
	sum := adler32.New()
	data := make([]byte, 0, 2+5+storedBlock+4)
	for pos := int64(0); pos < raw; {
		n := min(raw-pos, storedBlock)
		last := pos+n == raw
		data = data[:0]
		if pos == 0 {
			data = append(data, 0x78, 0x01) // zlib: deflate, 32K window, no dictionary
		}
		var final byte
		if last {
			final = 1
		}
		data = append(data, final, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		payload := data[len(data) : len(data)+int(n)]
		rng.Read(payload)
		for i := (rowLen - pos%rowLen) % rowLen; i < n; i += rowLen {
			payload[i] = 0 // each row begins with filter type None
		}
		sum.Write(payload)
		data = data[:len(data)+int(n)]
		if last {
			data = binary.BigEndian.AppendUint32(data, sum.Sum32())
		}
		writeChunk(bw, "IDAT", data)
		if _, err := bw.Write(nil); err != nil {
			return err // the reader went away: stop drawing
		}
		pos += n
	}
	writeChunk(bw, "IEND", nil)
	return bw.Flush()
}

// writeChunk writes one PNG chunk; errors surface at the Flush.
func writeChunk(w *bufio.Writer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	w.WriteString(typ)
	w.Write(data)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}

// serveNoise streams the noise image of prompt; truncate stops halfway.
func (s *Server) serveNoise(w http.ResponseWriter, prompt string, truncate bool) {
	size := noiseLen(s.opts.NoiseBytes)
	var out io.Writer = w
	if truncate {
		out = &limitWriter{w: w, left: size / 2}
	} else {
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	}
	w.Header().Set("Content-Type", "image/png")
	w.WriteHeader(http.StatusOK)
	writeNoisePNG(out, prompt, s.opts.NoiseBytes) // the client went away: nothing to do
}

// pngOf returns the PNG served for prompt.
func (s *Server) pngOf(prompt string) []byte {
	if s.opts.NoiseBytes <= 0 {
		return s.images.get(prompt).png
	}
	var buf bytes.Buffer
	writeNoisePNG(&buf, prompt, s.opts.NoiseBytes) // a bytes.Buffer does not fail
	return buf.Bytes()
}

// dataURI returns the image of prompt as a data: URI.
func (s *Server) dataURI(prompt string) string {
	if s.opts.NoiseBytes <= 0 {
		return s.images.get(prompt).dataURI
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(s.pngOf(prompt))
}

// limitWriter passes on the first left bytes, then fails.
type limitWriter struct {
	w    io.Writer
	left int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	short := int64(len(p)) > l.left
	if short {
		p = p[:l.left]
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	if err == nil && short {
		err = io.ErrShortWrite
	}
	return n, err
}
