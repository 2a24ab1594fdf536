package derive

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

// peakRSSMB is the process's resident-set high-water mark (Linux), or 0.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// cpuSeconds is the process's user+system CPU time (Linux), or 0: unlike
// wall time, it does not grow when other work shares the machine.
func cpuSeconds() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th, in USER_HZ (100 on Linux) ticks.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return float64(u+s) / 100
}

// ladder is a website's size ladder: three widths of lossy WebP.
var ladder = []int{1024, 640, 320}

func deriveLadder(b *testing.B, src []byte) {
	for _, w := range ladder {
		if err := Apply(bytes.NewReader(src), []Op{Resize(w, 0, "")}, Encoding{Format: FormatWebP, Quality: 80}, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeriveLadder derives one 1024x1024 source into 3 lossy WebP
// sizes per iteration, one at a time (images/s counts sources; cpu-s/image
// is the CPU time per source, whatever else runs on the machine).
func BenchmarkDeriveLadder(b *testing.B) {
	src := pngBytes(b, photo(1024, 1024, false))
	deriveLadder(b, src) // compile the WASM encoder once, outside the timing
	b.ResetTimer()
	cpu := cpuSeconds()
	for i := 0; i < b.N; i++ {
		deriveLadder(b, src)
	}
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/image")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
	b.ReportMetric(peakRSSMB(), "peakRSS-MB")
}

// BenchmarkDeriveLadderParallel does the same on GOMAXPROCS workers, as the
// executor's pool will.
func BenchmarkDeriveLadderParallel(b *testing.B) {
	src := pngBytes(b, photo(1024, 1024, false))
	deriveLadder(b, src)
	b.ResetTimer()
	cpu := cpuSeconds()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			deriveLadder(b, src)
		}
	})
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/image")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
	b.ReportMetric(peakRSSMB(), "peakRSS-MB")
}

// BenchmarkSheet256 packs 256 sprites of 128x128 and encodes the sheet as PNG.
func BenchmarkSheet256(b *testing.B) {
	sprites := grid(256, 128, 128)
	var occ float64
	for i := 0; i < b.N; i++ {
		sh, err := Pack(sprites, SheetOptions{Padding: 2})
		if err != nil {
			b.Fatal(err)
		}
		if err := Encode(io.Discard, sh.Image, Encoding{Format: FormatPNG}); err != nil {
			b.Fatal(err)
		}
		occ = sh.Occupancy()
	}
	b.ReportMetric(occ, "occupancy")
}

// BenchmarkPack256 is the packing alone.
func BenchmarkPack256(b *testing.B) {
	sprites := grid(256, 128, 128)
	for i := 0; i < b.N; i++ {
		if _, err := Pack(sprites, SheetOptions{Padding: 2}); err != nil {
			b.Fatal(err)
		}
	}
}
