package offline

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pixform/pixform/provider"
)

func TestRenderDeterministic(t *testing.T) {
	req := provider.Request{Model: "google/gempix2", Prompt: "A banana-shaped rocket logo", AspectRatio: "16:9"}
	a, err := Render(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(req)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renders of the same request differ")
	}
	other := req
	other.Prompt = "A banana-shaped rocket logo, at night"
	c, err := Render(other)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, c) {
		t.Error("different prompts render the same bytes")
	}
}

func TestRenderSize(t *testing.T) {
	tests := []struct {
		aspect, size string
		w, h         int
	}{
		{"", "", 512, 512},
		{"1:1", "1k", 512, 512},
		{"16:9", "", 512, 288},
		{"9:16", "", 288, 512},
		{"21:9", "", 512, 220},
		{"2:3", "", 342, 512},
		{"3:2", "", 512, 342},
		{"3:4", "", 384, 512},
		{"4:3", "", 512, 384},
		{"4:5", "", 410, 512},
		{"5:4", "", 512, 410},
		{"1:1", "2k", 768, 768},
		{"16:9", "4k", 1024, 576},
		{"nonsense", "", 512, 512},
		{"0:9", "", 512, 512},
		{"1000:1", "", 512, 512},
	}
	for _, tt := range tests {
		t.Run(tt.aspect+"_"+tt.size, func(t *testing.T) {
			data, err := Render(provider.Request{Model: "m", Prompt: "p", AspectRatio: tt.aspect, ImageSize: tt.size})
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			got := [2]int{img.Bounds().Dx(), img.Bounds().Dy()}
			if diff := cmp.Diff([2]int{tt.w, tt.h}, got); diff != "" {
				t.Errorf("size (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderOddPrompts(t *testing.T) {
	for _, p := range []string{"", " ", "\x00\xff\n\t", strings.Repeat("word ", 5000), strings.Repeat("x", 3000), "émoji 🍌 ünïcode"} {
		for _, ar := range []string{"1:1", "21:9", "9:16", "100:1"} {
			if _, err := Render(provider.Request{Model: p, Prompt: p, AspectRatio: ar}); err != nil {
				t.Errorf("Render(%.20q, %s): %v", p, ar, err)
			}
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in      string
		cols, n int
		want    []string
	}{
		{"a b c", 10, 3, []string{"a b c"}},
		{"hello world again", 11, 3, []string{"hello world", "again"}},
		{"abcdefghij", 4, 5, []string{"abcd", "efgh", "ij"}},
		{"one two three four five six", 9, 2, []string{"one two", "three..."}},
		{"", 10, 3, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, wrap(tt.in, tt.cols, tt.n)); diff != "" {
			t.Errorf("wrap(%q, %d, %d) (-want +got):\n%s", tt.in, tt.cols, tt.n, diff)
		}
	}
}

func TestProvider(t *testing.T) {
	ctx := context.Background()
	p := New()
	if got := p.Kind(); got != "offline" {
		t.Errorf("Kind() = %q, want offline", got)
	}
	req := provider.Request{Model: "google/gempix2", Prompt: "a knight", AspectRatio: "4:3"}
	id, err := p.Submit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, "offline-") || len(id) != len("offline-")+24 {
		t.Errorf("id = %q, want offline- and 24 hex digits", id)
	}
	if id2, _ := New().Submit(ctx, req); id2 != id {
		t.Errorf("ids differ between providers: %q, %q", id, id2)
	}
	other := req
	other.Images = []string{"https://example.com/a.png"}
	if id3, _ := p.Submit(ctx, other); id3 == id {
		t.Error("a different request got the same id")
	}
	task, err := p.Query(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != provider.StatusSuccess || len(task.Images) != 1 || task.Consumed != 0 {
		t.Fatalf("task = %+v, want success with one image and nothing consumed", task)
	}
	if !strings.HasPrefix(task.Images[0], "data:image/png;base64,") {
		t.Errorf("image ref = %.40q, want a PNG data URI", task.Images[0])
	}
	var buf bytes.Buffer
	n, err := p.Download(ctx, task.Images[0], &buf, 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Render(req)
	if n != int64(len(want)) || !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("downloaded %d bytes, want the %d bytes of Render", n, len(want))
	}
	img, err := png.Decode(&buf)
	if err != nil || img.Bounds().Dx() != 512 || img.Bounds().Dy() != 384 {
		t.Errorf("download decodes to %v, %v; want a 512x384 PNG", img.Bounds(), err)
	}
}

func TestProviderErrors(t *testing.T) {
	ctx := context.Background()
	p := New()
	tests := []struct {
		name string
		run  func() error
		want provider.Kind
	}{
		{"unknown task", func() error { _, err := p.Query(ctx, "offline-000000000000000000000000"); return err }, provider.KindLost},
		{"no prompt", func() error { _, err := p.Submit(ctx, provider.Request{Model: "m"}); return err }, provider.KindBadRequest},
		{"no model", func() error { _, err := p.Submit(ctx, provider.Request{Prompt: "p"}); return err }, provider.KindBadRequest},
		{"five images", func() error {
			_, err := p.Submit(ctx, provider.Request{Model: "m", Prompt: "p", Images: []string{"1", "2", "3", "4", "5"}})
			return err
		}, provider.KindBadRequest},
		{"url download", func() error { _, err := p.Download(ctx, "https://example.com/x.png", &bytes.Buffer{}, 100); return err }, provider.KindBadRequest},
		{"too large", func() error {
			_, err := p.Download(ctx, provider.DataURI("image/png", make([]byte, 101)), &bytes.Buffer{}, 100)
			return err
		}, provider.KindTooLarge},
		{"corrupt data URI", func() error {
			_, err := p.Download(ctx, "data:image/png;base64,@@@@", &bytes.Buffer{}, 100)
			return err
		}, provider.KindBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if err == nil {
				t.Fatal("got no error")
			}
			if got := provider.KindOf(err); got != tt.want {
				t.Errorf("kind = %v, want %v (%v)", got, tt.want, err)
			}
		})
	}
}

func BenchmarkRender(b *testing.B) {
	req := provider.Request{
		Model:       "google/gempix2",
		Prompt:      "Full-body knight sprite in a heroic pose, flat vector, pastel palette, clean outlines, white background",
		AspectRatio: "1:1",
	}
	for b.Loop() {
		if _, err := Render(req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRender4k(b *testing.B) {
	req := provider.Request{Model: "google/nano-banana-pro", Prompt: "A castle wall at dusk", AspectRatio: "16:9", ImageSize: "4k"}
	for b.Loop() {
		if _, err := Render(req); err != nil {
			b.Fatal(err)
		}
	}
}
