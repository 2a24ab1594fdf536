package defapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/provider"
)

// result submits simple and returns the ref of its image.
func result(t *testing.T, c *Client) string {
	t.Helper()
	ctx := context.Background()
	id, err := c.Submit(ctx, simple)
	if err != nil {
		t.Fatal(err)
	}
	task, err := c.Query(ctx, id)
	if err != nil || len(task.Images) != 1 {
		t.Fatalf("query: %+v, %v", task, err)
	}
	return task.Images[0]
}

func TestDownload(t *testing.T) {
	for _, form := range []string{"url", "datauri"} {
		t.Run(form, func(t *testing.T) {
			s, c, _ := setup(t, fakeapi.Options{ResultForm: form, ImageWidth: 40, ImageHeight: 30}, nil)
			ref := result(t, c)
			var buf bytes.Buffer
			n, err := c.Download(context.Background(), ref, &buf, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			want := s.ImagePNG(simple.Prompt)
			if n != int64(len(want)) || !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("downloaded %d bytes, want the server's %d", n, len(want))
			}
			_, err = c.Download(context.Background(), ref, &bytes.Buffer{}, int64(len(want)-1))
			checkErr(t, err, provider.KindTooLarge)
		})
	}
}

func TestDownloadFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault fakeapi.Fault
		want  provider.Kind // -1: success
	}{
		{"500 then ok", fakeapi.Fault{Kind: "status", Status: 500, Times: 2}, -1},
		{"429 then ok", fakeapi.Fault{Kind: "retry-after", RetryAfter: 1, Times: 1}, -1},
		{"dropped then ok", fakeapi.Fault{Kind: "drop", Times: 2}, -1},
		{"500 always", fakeapi.Fault{Kind: "status", Status: 500}, provider.KindTransient},
		{"gone", fakeapi.Fault{Kind: "status", Status: 404}, provider.KindNotFound},
		{"cut midway", fakeapi.Fault{Kind: "cut", Times: 1}, provider.KindTransient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, _ := setup(t, fakeapi.Options{}, nil)
			ref := result(t, c)
			tt.fault.Op = "download"
			s.Inject(tt.fault)
			var buf bytes.Buffer
			n, err := c.Download(context.Background(), ref, &buf, 1<<20)
			if tt.want == -1 {
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(buf.Bytes(), s.ImagePNG(simple.Prompt)) {
					t.Error("downloaded bytes differ from the server's")
				}
				return
			}
			checkErr(t, err, tt.want)
			if tt.fault.Kind == "cut" && (n == 0 || int64(buf.Len()) != n) {
				t.Errorf("cut download reported %d bytes, wrote %d; want the partial count", n, buf.Len())
			}
		})
	}
}

// TestDownloadAuthHeader checks that the key goes only to the API's host.
func TestDownloadAuthHeader(t *testing.T) {
	var mu sync.Mutex
	var got []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Write([]byte("img"))
	}))
	defer other.Close()
	_, c, _ := setup(t, fakeapi.Options{}, nil)
	if _, err := c.Download(context.Background(), other.URL+"/a.png", &bytes.Buffer{}, 100); err != nil {
		t.Fatal(err)
	}
	c.base.Host = other.Listener.Addr().String()
	if _, err := c.Download(context.Background(), other.URL+"/a.png", &bytes.Buffer{}, 100); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "" || got[1] != "Bearer "+testKey {
		t.Errorf("Authorization headers = %q, want none for a foreign host, the key for the API's", got)
	}
}

func TestDownloadRefs(t *testing.T) {
	_, c, _ := setup(t, fakeapi.Options{}, nil)
	payload := []byte("\x89PNG fake bytes")
	b64 := base64.StdEncoding.EncodeToString(payload)
	tests := []struct {
		name string
		ref  string
		want provider.Kind // -1: success with payload
	}{
		{"data uri", "data:image/png;base64," + b64, -1},
		{"data uri url-safe unpadded", "data:image/png;base64," + base64.RawURLEncoding.EncodeToString(payload), -1},
		{"data uri with newlines", "data:image/png;base64," + b64[:8] + "\r\n" + b64[8:], -1},
		{"corrupt data uri", "data:image/png;base64,!!!!", provider.KindBadRequest},
		{"no comma", "data:image/png;base64", provider.KindBadRequest},
		{"ftp", "ftp://example.com/a.png", provider.KindBadRequest},
		{"garbage", "::not a url", provider.KindBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := c.Download(context.Background(), tt.ref, &buf, 1<<10)
			if tt.want == -1 {
				if err != nil || !bytes.Equal(buf.Bytes(), payload) {
					t.Errorf("got %q, %v; want the payload", buf.Bytes(), err)
				}
				return
			}
			checkErr(t, err, tt.want)
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestDownloadWriteError(t *testing.T) {
	s, c, _ := setup(t, fakeapi.Options{}, nil)
	ref := result(t, c)
	_, err := c.Download(context.Background(), ref, failWriter{}, 1<<20)
	pe := checkErr(t, err, provider.KindTransient)
	if pe.Err == nil || pe.Err.Error() != "disk full" {
		t.Errorf("cause = %v, want the writer's error", pe.Err)
	}
	if n := s.Counts().Download; n != 1 {
		t.Errorf("%d downloads, want 1: a write failure is not retried here", n)
	}
}
