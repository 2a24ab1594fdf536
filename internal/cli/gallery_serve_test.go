package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/internal/fakeapi"
)

// TestServedGalleryPicks drives the served gallery over HTTP: the page has
// a pick button per candidate; a post without the run's token, or from
// another site, or while an apply holds the state lock, is refused and
// changes nothing; a post with it picks through 'pixform pick', and the
// lockfile records the pick. Only shown files are served.
func TestServedGalleryPicks(t *testing.T) {
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
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"-chdir=" + dir, "apply", "-auto-approve"}, strings.NewReader(""), &out, &out); code != 0 {
		t.Fatalf("apply exited %d:\n%s", code, out.String())
	}
	e := &env{ctx: context.Background(), fs: afero.NewOsFs(), dir: dir, stdout: io.Discard, stderr: io.Discard, getenv: os.Getenv}
	hs := httptest.NewServer(e.galleryHandler("run-token"))
	defer hs.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	page := get(t, client, hs.URL+"/g/", http.StatusOK)
	if n := strings.Count(page, `<form method="post" action="/pick">`); n != 3 {
		t.Fatalf("page has %d pick forms, want 3:\n%s", n, page)
	}
	shas := regexp.MustCompile(`name="which" value="(sha256:[0-9a-f]{64})"`).FindAllStringSubmatch(page, -1)
	if len(shas) != 3 {
		t.Fatalf("got %d candidate digests in the page, want 3", len(shas))
	}
	pickSum := shas[2][1]
	get(t, client, hs.URL+"/g/candidates/"+strings.TrimPrefix(pickSum, "sha256:")+".png", http.StatusOK)
	get(t, client, hs.URL+"/web/logo.png", http.StatusOK)
	get(t, client, hs.URL+"/.pixform/state.json", http.StatusNotFound)
	get(t, client, hs.URL+"/site.pix.hcl", http.StatusNotFound)

	lockfile := filepath.Join(dir, "pixform.lock.hcl")
	post := func(form url.Values, origin string, want int) string {
		t.Helper()
		req, _ := http.NewRequest("POST", hs.URL+"/pick", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("POST /pick %v: got %d, want %d: %s", form, resp.StatusCode, want, body)
		}
		return string(body)
	}
	form := url.Values{"addr": {"image.logo"}, "which": {pickSum}}
	post(form, "", http.StatusForbidden) // no token
	form.Set("token", "run-token")
	post(form, "http://evil.example", http.StatusForbidden)
	held := `{"id":"other-apply","pid":4242,"host":"elsewhere","started":"2026-01-02T03:04:05Z"}`
	if err := os.WriteFile(filepath.Join(dir, ".pixform", "lock.json"), []byte(held), 0o644); err != nil {
		t.Fatal(err)
	}
	if body := post(form, "", http.StatusConflict); !strings.Contains(body, "locked") {
		t.Errorf("pick while an apply holds the lock: got %q, want it to say the state is locked", body)
	}
	if lf, _ := os.ReadFile(lockfile); bytes.Contains(lf, []byte("pick")) {
		t.Fatalf("a refused pick changed the lockfile:\n%s", lf)
	}
	os.Remove(filepath.Join(dir, ".pixform", "lock.json"))
	post(form, hs.URL, http.StatusSeeOther)
	lf, _ := os.ReadFile(lockfile)
	if !regexp.MustCompile(`pick += "` + pickSum + `"`).Match(lf) {
		t.Errorf("lockfile after the pick does not record pick = %q:\n%s", pickSum, lf)
	}
	if page := get(t, client, hs.URL+"/g/", http.StatusOK); !strings.Contains(page, `<figure class="cand picked" data-sha="`+pickSum+`"`) {
		t.Errorf("page after the pick does not mark candidate 3 picked")
	}
}

func get(t *testing.T, c *http.Client, u string, want int) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: got %d, want %d: %s", u, resp.StatusCode, want, body)
	}
	return string(body)
}
