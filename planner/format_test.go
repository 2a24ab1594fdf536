package planner

import (
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/state"
)

func TestSniffImage(t *testing.T) {
	tests := map[string]string{
		"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR": FormatPNG,
		"\xff\xd8\xff\xe0\x00\x10JFIF":          FormatJPEG,
		"RIFF\x10\x00\x00\x00WEBPVP8 ":          FormatWebP,
		"GIF89a":                                "",
		"this is a text file":                   "",
		"\x89PN":                                "",
		"":                                      "",
	}
	for head, want := range tests {
		if got := SniffImage([]byte(head)); got != want {
			t.Errorf("SniffImage(%q) = %q, want %q", head, got, want)
		}
	}
}

// TestReferenceFormatCached: a plan sniffs a reference once, from the read
// that hashes it, and keeps the format in the file-hash cache; a later plan
// of the unchanged file takes the format from the cache.
func TestReferenceFormatCached(t *testing.T) {
	fs := afero.NewMemMapFs()
	afero.WriteFile(fs, dir+"/ref.dat", []byte("\x89PNG\r\n\x1a\nrest"), 0o644)
	old := time.Now().Add(-time.Hour) // outside the racy window, so the hash is cached
	fs.Chtimes(dir+"/ref.dat", old, old)
	h := NewHasher(fs, dir, nil)
	if f, err := h.Format("ref.dat"); err != nil || f != FormatPNG {
		t.Fatalf("Format = %q, %v; want png", f, err)
	}
	entry := h.Files["ref.dat"]
	if entry.Format != FormatPNG {
		t.Fatalf("cache entry %+v lacks the format", entry)
	}
	// The cache answers for the unchanged file: a cached format that the
	// bytes would contradict shows that it was not read again.
	entry.Format = FormatJPEG
	if f, _ := NewHasher(fs, dir, map[string]state.FileHash{"ref.dat": entry}).Format("ref.dat"); f != FormatJPEG {
		t.Errorf("Format = %q, want the cached jpeg", f)
	}
	// An entry cached before formats were (no format) is sniffed and filled in.
	entry.Format = ""
	h = NewHasher(fs, dir, map[string]state.FileHash{"ref.dat": entry})
	if f, _ := h.Format("ref.dat"); f != FormatPNG || h.Files["ref.dat"].Format != FormatPNG {
		t.Errorf("Format = %q, cache %+v; want png in both", f, h.Files["ref.dat"])
	}
	// A text file is no image.
	afero.WriteFile(fs, dir+"/t.png", []byte("text"), 0o644)
	if f, err := NewHasher(fs, dir, nil).Format("t.png"); err != nil || f != "" {
		t.Errorf("Format of a text file = %q, %v; want none", f, err)
	}
}
