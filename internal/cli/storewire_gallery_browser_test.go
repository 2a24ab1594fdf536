package cli_test

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pixform/pixform/internal/cli"
	"github.com/pixform/pixform/internal/fakeapi"
)

// TestServedGalleryPickInBrowser serves the gallery of an image with three
// candidates, opens it in headless Chromium, clicks the pick button of
// candidate 2 for real (through the DevTools protocol), and checks that the
// page then marks it picked and that the lockfile records its sha256.
func TestServedGalleryPickInBrowser(t *testing.T) {
	browser := chromium(t)
	srv := fakeapi.New(fakeapi.Options{Varied: true})
	defer srv.Close()
	t.Setenv("DEFAPI_BASE_URL", srv.URL)
	t.Setenv("DEFAPI_API_KEY", srv.Key())
	t.Setenv("PIXFORM_STORE", "")
	dir := t.TempDir()
	spec := "provider \"defapi\" {}\nimage \"logo\" {\n  prompt   = \"A logo\"\n  output   = \"web/logo.png\"\n  variants = 3\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "site.pix.hcl"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	pixform(t, "-chdir="+dir, "apply", "-auto-approve")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pr, pw := io.Pipe()
	served := make(chan int, 1)
	go func() {
		served <- cli.Run(ctx, []string{"-chdir=" + dir, "gallery", "-serve"}, strings.NewReader(""), pw, pw)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("gallery -serve said nothing: %v", err)
	}
	go io.Copy(io.Discard, pr)
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+/g/`).FindString(line)
	if url == "" {
		t.Fatalf("gallery -serve: got %q, want the URL it serves", line)
	}

	alloc, stop := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()))...)
	defer stop()
	bctx, bstop := chromedp.NewContext(alloc)
	defer bstop()
	button := chromedp.CSS(`button[data-pick="image.logo 2"]`)
	if err := chromedp.Do(bctx, chromedp.Navigate(url), chromedp.WaitVisible(button)); err != nil {
		t.Fatalf("chromium: open %s: %v", url, err)
	}
	attr, err := chromedp.Run(bctx, chromedp.AttributeValue(chromedp.CSS(`figure.cand:nth-of-type(2)`), "data-sha"))
	if err != nil || !strings.HasPrefix(attr.Value, "sha256:") {
		t.Fatalf("candidate 2 has no data-sha (%v): %q", err, attr.Value)
	}
	sha := attr.Value
	if err := chromedp.Do(bctx, chromedp.Click(button), chromedp.WaitVisible(chromedp.CSS(`figure.cand.picked`))); err != nil {
		t.Fatalf("chromium: click the pick button: %v", err)
	}
	lock, err := os.ReadFile(filepath.Join(dir, "pixform.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`pick += "` + sha + `"`).Match(lock) {
		t.Errorf("lockfile after the click does not record pick = %q:\n%s", sha, lock)
	}
	cancel()
	if code := <-served; code != 0 {
		t.Errorf("gallery -serve exited %d after the interrupt, want 0", code)
	}
}
