package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pixform/pixform/internal/cli"
)

// chromium finds the browser: in CI (CI=true) its absence is a failure, as
// .ci/run installs it; elsewhere the test is skipped.
func chromium(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed, and CI=true: .ci/run should have installed it (apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium); set CI=true to make this a failure")
	return ""
}

// copyDir copies the regular files of src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// pixform runs the CLI in-process and fails the test on a non-zero exit.
func pixform(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := cli.Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("pixform %s: got exit %d, want 0\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

var imagesOK = regexp.MustCompile(`data-images-ok="(\d+)/(\d+)"`)

// TestGalleryInBrowser opens the gallery of the website example (plus a
// poster that references three of its images) in headless Chromium and
// checks that every <img> of the page decoded: the page's own script
// writes "loaded/total" into <body data-images-ok>. One output is deleted
// first: the page must show it as missing, with no broken <img>.
func TestGalleryInBrowser(t *testing.T) {
	browser := chromium(t)
	dir := t.TempDir()
	copyDir(t, filepath.Join("..", "..", "examples", "website"), dir)
	poster := `image "poster" {
  prompt = "All three features on one poster"
  images = [for k in ["fast", "safe", "simple"] : image.feature[k].output]
  output = "public/poster.png"
}
`
	if err := os.WriteFile(filepath.Join(dir, "poster.pix.hcl"), []byte(poster), 0o644); err != nil {
		t.Fatal(err)
	}
	pixform(t, "-chdir="+dir, "apply", "-auto-approve")
	if err := os.Remove(filepath.Join(dir, "public", "logo.png")); err != nil {
		t.Fatal(err)
	}
	out := pixform(t, "-chdir="+dir, "gallery")
	if want := "1 of them missing"; !strings.Contains(out, want) {
		t.Errorf("gallery: got %q, want it to say %q", out, want)
	}
	index := filepath.Join(dir, cli.DefaultGalleryDir, "index.html")
	page, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	// Every output but the logo, the palette reference, the poster's three.
	imgs := bytes.Count(page, []byte("<img "))
	if imgs < 8 {
		t.Fatalf("index.html: got %d <img>, want at least 8", imgs)
	}
	if bytes.Contains(page, []byte(`src="../public/logo.png"`)) {
		t.Errorf("index.html: got an <img> of the missing public/logo.png, want it shown as missing")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--allow-file-access-from-files",
		"--virtual-time-budget=5000", "--dump-dom",
		(&url.URL{Scheme: "file", Path: filepath.ToSlash(index)}).String())
	cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS=disabled:")
	var dom, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &dom, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, lastLines(stderr.String(), 20))
	}
	m := imagesOK.FindStringSubmatch(dom.String())
	if m == nil {
		t.Fatalf("the dumped DOM has no data-images-ok=\"N/M\": the page's script did not run\n%s\nchromium said:\n%s", lastLines(dom.String(), 10), lastLines(stderr.String(), 20))
	}
	if want := fmt.Sprintf("%d/%d", imgs, imgs); m[1]+"/"+m[2] != want {
		t.Errorf("images rendered by chromium: got %s/%s, want %s (a broken one has class=\"broken\" in the DOM)", m[1], m[2], want)
	}
	if strings.Contains(dom.String(), `class="broken"`) {
		t.Errorf("got a broken <img> in the DOM:\n%s", dom.String())
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
