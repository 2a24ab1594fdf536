package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// config is the command line.
type config struct {
	n, p     int
	latency  time.Duration
	mode     string
	stateN   int
	rssN     int
	rssSize  int64
	out      string
	rssChild string // internal: run the RSS apply against this fake URL and report
	rssKey   string
	cpuprof  string
	mutexpr  string
}

// The targets of the issues, at N=1000, P=100, L=2s.
const (
	targetRatioCallbacks = 1.05
	targetRatioPolling   = 1.15
	targetReqsPolling    = 3.5
	targetReqsCallbacks  = 2.0
	targetAmplification  = 3.0
	targetRSSMB          = 150.0
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := flag.NewFlagSet("apply", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.n, "n", 1000, "images per timed apply")
	fs.IntVar(&cfg.p, "p", 100, "parallelism: tasks in flight")
	fs.DurationVar(&cfg.latency, "latency", 2*time.Second, "task latency of the fake API")
	fs.StringVar(&cfg.mode, "mode", "both", "timed applies to run: polling, callbacks, both or none")
	fs.IntVar(&cfg.stateN, "state-n", 10000, "images of the write-amplification apply; 0 skips it")
	fs.IntVar(&cfg.rssN, "rss-n", 1000, "images of the peak-RSS apply; 0 skips it")
	size := fs.String("rss-size", "4MB", "bytes per image of the peak-RSS apply (KB, MB, GB are powers of 1024)")
	fs.StringVar(&cfg.out, "o", "", "also write the table as Markdown to `FILE`")
	fs.StringVar(&cfg.cpuprof, "cpuprofile", "", "write a CPU profile of the timed applies to `FILE`")
	fs.StringVar(&cfg.mutexpr, "mutexprofile", "", "write a mutex contention profile of the timed applies to `FILE`")
	fs.StringVar(&cfg.rssChild, "rss-child", "", "internal: run the peak-RSS apply against the fake at `URL`")
	fs.StringVar(&cfg.rssKey, "rss-key", "", "internal: the fake's API key")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var err error
	if cfg.rssSize, err = parseSize(*size); err != nil {
		fmt.Fprintf(stderr, "-rss-size=%s: %v\n", *size, err)
		return 2
	}
	if cfg.n < 1 || cfg.p < 1 || cfg.latency < 0 {
		fmt.Fprintln(stderr, "-n and -p must be at least 1, -latency not negative")
		return 2
	}
	if cfg.rssChild != "" {
		return rssChild(ctx, cfg, stdout, stderr)
	}
	var modes []string
	switch cfg.mode {
	case "both":
		modes = []string{"polling", "callbacks"}
	case "polling", "callbacks":
		modes = []string{cfg.mode}
	case "none":
	default:
		fmt.Fprintf(stderr, "-mode=%s: want polling, callbacks, both or none\n", cfg.mode)
		return 2
	}

	t := &table{}
	stop, err := startProfiles(cfg.cpuprof, cfg.mutexpr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for _, mode := range modes {
		fmt.Fprintf(stderr, "%s: applying %d images at parallelism %d, task latency %s ...\n", mode, cfg.n, cfg.p, cfg.latency)
		r, err := measureLatency(ctx, cfg, mode == "callbacks")
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", mode, err)
			return 1
		}
		fmt.Fprintf(stderr, "%s: done in %s\n", mode, r.wall.Round(time.Millisecond))
		r.phases.write(stderr, mode)
		t.addLatency(cfg, mode, r)
	}
	if err := stop(); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if cfg.stateN > 0 {
		fmt.Fprintf(stderr, "state: applying %d images on the offline provider ...\n", cfg.stateN)
		r, err := measureAmplification(ctx, cfg)
		if err != nil {
			fmt.Fprintf(stderr, "state: %v\n", err)
			return 1
		}
		t.addAmplification(cfg, r)
	}
	if cfg.rssN > 0 {
		fmt.Fprintf(stderr, "rss: applying %d images of %d bytes in a child process ...\n", cfg.rssN, cfg.rssSize)
		r, err := measureRSS(ctx, cfg, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "rss: %v\n", err)
			return 1
		}
		t.addRSS(cfg, r)
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

// startProfiles starts a CPU profile into cpu and mutex profiling for mutex
// (either may be ""), and returns what stops them and writes the files.
func startProfiles(cpu, mutex string) (stop func() error, err error) {
	var f *os.File
	if cpu != "" {
		if f, err = os.Create(cpu); err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
	}
	if mutex != "" {
		runtime.SetMutexProfileFraction(1)
	}
	return func() error {
		if f != nil {
			pprof.StopCPUProfile()
			if err := f.Close(); err != nil {
				return err
			}
		}
		if mutex == "" {
			return nil
		}
		runtime.SetMutexProfileFraction(0)
		m, err := os.Create(mutex)
		if err != nil {
			return err
		}
		if err := pprof.Lookup("mutex").WriteTo(m, 0); err != nil {
			m.Close()
			return err
		}
		return m.Close()
	}, nil
}

// parseSize reads "4MB", "512KB", "1GB" or a number of bytes; the units are
// powers of 1024.
func parseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("want a size such as 4MB")
	}
	return int64(v * float64(mult)), nil
}
