package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkPlanCommand10k times a whole no-op `pixform plan` at 10,000
// images and 1,000 reference files, as a user runs it (process start
// aside): spec, state and lockfile read, plan made and printed. The setup
// applies the spec with the offline provider first, which takes about half
// a minute.
//
//	go test -run '^$' -bench PlanCommand -benchtime 10x ./internal/cli
func BenchmarkPlanCommand10k(b *testing.B) {
	const images, refs = 10000, 1000
	dir := b.TempDir()
	spec := fmt.Sprintf(`provider "offline" {}

image "img" {
  count  = %d
  prompt = "Benchmark image ${count.index}, flat vector illustration, pastel palette"
  images = [format("refs/%%04d.png", count.index %% %d)]
  output = "out/${format("%%05d", count.index)}.png"
}
`, images, refs)
	if err := os.WriteFile(filepath.Join(dir, "bench.pix.hcl"), []byte(spec), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "refs"), 0o755); err != nil {
		b.Fatal(err)
	}
	for i := range refs {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("refs/%04d.png", i)), append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{byte(i)}, 2040)...), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	run := func(out io.Writer, args ...string) int {
		var stderr bytes.Buffer
		code := Run(context.Background(), append([]string{"-chdir=" + dir}, args...), strings.NewReader(""), out, &stderr)
		if stderr.Len() > 0 {
			b.Logf("pixform %s: %s", strings.Join(args, " "), stderr.String())
		}
		return code
	}
	if code := run(io.Discard, "apply", "-auto-approve", "-parallelism=4"); code != ExitOK {
		b.Fatalf("apply: exit %d", code)
	}
	for b.Loop() {
		var out bytes.Buffer
		if code := run(&out, "plan", "-detailed-exitcode"); code != ExitOK {
			b.Fatalf("plan: exit %d, want %d (no changes):\n%s", code, ExitOK, out.String())
		}
	}
}
