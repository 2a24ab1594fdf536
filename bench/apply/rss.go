package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider/defapi"
)

// rssResult is what the child process reports.
type rssResult struct {
	HWMKiB    int64         `json:"vmhwm_kib"` // peak resident set
	RSSKiB    int64         `json:"vmrss_kib"` // resident set at the end
	Wall      time.Duration `json:"wall_ns"`
	Generated int           `json:"generated"`
	Bytes     int64         `json:"image_bytes"` // of one image, as served
}

// measureRSS serves cfg.rssN noise images of cfg.rssSize bytes from a fake
// in this process and runs the apply in a child process of this same
// binary, so that its peak RSS holds pixform's side alone: not the fake,
// not the applies measured before.
func measureRSS(ctx context.Context, cfg config, stderr io.Writer) (rssResult, error) {
	var r rssResult
	srv := fakeapi.New(fakeapi.Options{NoiseBytes: int(cfg.rssSize)})
	defer srv.Close()
	self, err := os.Executable()
	if err != nil {
		return r, err
	}
	cmd := exec.CommandContext(ctx, self, "-rss-child", srv.URL, "-rss-key", srv.Key(),
		"-rss-n", strconv.Itoa(cfg.rssN), "-rss-size", strconv.FormatInt(cfg.rssSize, 10), "-p", strconv.Itoa(cfg.p))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Run(); err != nil {
		return r, fmt.Errorf("child apply: %w", err)
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return r, fmt.Errorf("child apply answered %q: %w", out.String(), err)
	}
	r.Bytes = int64(len(srv.ImagePNG("size probe")))
	if got := srv.Counts().Download; got != cfg.rssN {
		return r, fmt.Errorf("the fake served %d downloads, want %d", got, cfg.rssN)
	}
	return r, nil
}

// rssChild is the child process: the apply, then its own VmHWM, as JSON
// on stdout.
func rssChild(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	client, err := defapi.New(defapi.Config{BaseURL: cfg.rssChild, APIKey: cfg.rssKey})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer client.Close()
	out, err := applyImages(ctx, client, cfg.rssN, cfg.p, nil)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	r := rssResult{Wall: out.wall, Generated: out.sum.Generated}
	if r.HWMKiB, r.RSSKiB, err = procStatus(); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	json.NewEncoder(stdout).Encode(r) // stdout is the parent's buffer
	return 0
}

// procStatus reads VmHWM and VmRSS, in KiB, from /proc/self/status.
func procStatus() (hwm, rss int64, err error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0, fmt.Errorf("peak RSS needs Linux's /proc: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmHWM" && name != "VmRSS") {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/self/status: %s: %w", sc.Text(), err)
		}
		if name == "VmHWM" {
			hwm = kib
		} else {
			rss = kib
		}
	}
	if hwm == 0 {
		return 0, 0, fmt.Errorf("/proc/self/status has no VmHWM")
	}
	return hwm, rss, sc.Err()
}
