package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

// config is the command line.
type config struct {
	counts []int
	runs   int
	out    string
	keep   bool
}

// The targets of issue 13.
const (
	targetNoop10k      = 300 * time.Millisecond
	targetNoop100k     = 3 * time.Second
	targetRSS100kMB    = 500.0
	targetOneChanged   = 400 * time.Millisecond
	changedAmong       = 10000 // the "one prompt changed" case is timed at this N
	changedImage       = 4321  // and this image's prompt changes
	changedPromptSuffx = ", now with a red scarf"
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	counts := fs.String("n", "1000,10000,100000", "comma-separated numbers of images (1k, 10k ... allowed)")
	fs.IntVar(&cfg.runs, "runs", 5, "timed plans per case; the median is reported")
	fs.StringVar(&cfg.out, "o", "", "also write the table as Markdown to `FILE`")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the temp spec directories (their paths go to stderr)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var err error
	if cfg.counts, err = parseCounts(*counts); err != nil || cfg.runs < 1 {
		fmt.Fprintf(stderr, "-n=%s: want numbers of images such as 1k,10k; -runs at least 1 (%v)\n", *counts, err)
		return 2
	}
	bin, cleanup, err := build(ctx, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer cleanup()
	t := &table{}
	for _, n := range cfg.counts {
		if err := measureN(ctx, cfg, bin, n, t, stderr); err != nil {
			fmt.Fprintf(stderr, "%s images: %v\n", count(n), err)
			return 1
		}
	}
	t.writeText(stdout, cfg)
	if cfg.out != "" {
		if err := os.WriteFile(cfg.out, t.markdown(cfg), 0o644); err != nil {
			fmt.Fprintf(stderr, "write %s: %v\n", cfg.out, err)
			return 1
		}
	}
	return 0
}

// build compiles the pixform binary of this module into a temp directory.
func build(ctx context.Context, stderr io.Writer) (bin string, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "pixform-plan-bench-bin-*")
	if err != nil {
		return "", nil, err
	}
	bin = filepath.Join(dir, "pixform")
	fmt.Fprintf(stderr, "building pixform ...\n")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/pixform/pixform")
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("go build: %w", err)
	}
	return bin, func() { os.RemoveAll(dir) }, nil
}

// measureN builds the shape of n images, applies it, and times its plans:
// no-op in one file and across splitFiles files, and at changedAmong
// images one prompt changed in each layout.
func measureN(ctx context.Context, cfg config, bin string, n int, t *table, stderr io.Writer) error {
	fmt.Fprintf(stderr, "%s: writing the spec and %d reference files ...\n", count(n), refs(n))
	s, err := newShape(n)
	if err != nil {
		return err
	}
	if cfg.keep {
		fmt.Fprintf(stderr, "%s: kept in %s\n", count(n), s.dir)
	} else {
		defer os.RemoveAll(s.dir)
	}
	fmt.Fprintf(stderr, "%s: pixform apply (offline) ...\n", count(n))
	start := time.Now()
	if _, err := pixform(ctx, bin, s.dir, 0, "apply", "-auto-approve", "-parallelism=8"); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s: applied in %s\n", count(n), time.Since(start).Round(time.Millisecond))
	for _, files := range []int{1, splitFiles} {
		if err := s.layout(files, -1, ""); err != nil {
			return err
		}
		m, err := timePlans(ctx, cfg, bin, s.dir, 0, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%s, %s: no-op plan %s\n", count(n), layoutName(files), m)
		t.addNoop(n, files, m)
		if n != changedAmong {
			continue
		}
		// Each run edits the prompt anew: the first plan after an edit.
		m, err = timePlans(ctx, cfg, bin, s.dir, 2, func(run int) error {
			return s.layout(files, changedImage, fmt.Sprintf("%s%s (take %d)", prompt(changedImage), changedPromptSuffx, run))
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%s, %s: one prompt changed: plan %s\n", count(n), layoutName(files), m)
		t.addChanged(n, files, m)
		if err := s.layout(files, -1, ""); err != nil {
			return err
		}
	}
	return nil
}

// measure is what several runs of one plan measured.
type measure struct {
	wall, cpu []time.Duration // sorted
	rssKiB    int64           // the largest maxrss of the runs
}

func (m measure) median() time.Duration    { return m.wall[len(m.wall)/2] }
func (m measure) cpuMedian() time.Duration { return m.cpu[len(m.cpu)/2] }
func (m measure) rssMB() float64           { return float64(m.rssKiB) / 1024 }

func (m measure) String() string {
	return fmt.Sprintf("median %s (%s–%s over %d runs), CPU %s, peak RSS %.0f MB",
		ms(m.median()), ms(m.wall[0]), ms(m.wall[len(m.wall)-1]), len(m.wall), ms(m.cpuMedian()), m.rssMB())
}

// timePlans runs one untimed plan (to warm the page cache and any cache
// pixform keeps), then cfg.runs timed ones, each of which must exit with
// want (0: no changes, 2: changes). Before each, edit (if not nil) changes
// the spec.
func timePlans(ctx context.Context, cfg config, bin, dir string, want int, edit func(run int) error) (measure, error) {
	var m measure
	for run := range cfg.runs + 1 {
		if edit != nil {
			if err := edit(run); err != nil {
				return m, err
			}
		}
		st, err := pixform(ctx, bin, dir, want, "plan", "-detailed-exitcode")
		if err != nil {
			return m, err
		}
		if run == 0 {
			continue // the untimed one
		}
		m.wall = append(m.wall, st.wall)
		m.cpu = append(m.cpu, st.cpu)
		m.rssKiB = max(m.rssKiB, st.rssKiB)
	}
	slices.Sort(m.wall)
	slices.Sort(m.cpu)
	return m, nil
}

// runStat is one run of the pixform process.
type runStat struct {
	wall, cpu time.Duration
	rssKiB    int64
}

// pixform runs bin in dir with args and checks that it exits with want.
func pixform(ctx context.Context, bin, dir string, want int, args ...string) (runStat, error) {
	var st runStat
	cmd := exec.CommandContext(ctx, bin, append([]string{"-chdir=" + dir, "-no-color"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Stdin = nil
	start := time.Now()
	err := cmd.Run()
	st.wall = time.Since(start)
	var exit *exec.ExitError
	switch {
	case err == nil && want == 0:
	case errors.As(err, &exit) && exit.ExitCode() == want:
	default:
		return st, fmt.Errorf("pixform %v: %v, want exit %d:\n%s", args, err, want, tail(out.Bytes()))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		st.rssKiB = ru.Maxrss // KiB on Linux
	}
	st.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return st, nil
}

// tail is the end of a long output.
func tail(b []byte) []byte {
	if len(b) > 2000 {
		return b[len(b)-2000:]
	}
	return b
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.3f s", d.Seconds())
}
