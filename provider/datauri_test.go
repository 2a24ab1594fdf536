package provider

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDataURIRoundTrip(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("a"), []byte("ab"), []byte("abc"), bytes.Repeat([]byte{0, 0xff, 0x89}, 1000)} {
		uri := DataURI("image/png", data)
		mime, r, err := DecodeDataURI(uri)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || mime != "image/png" || !bytes.Equal(got, data) {
			t.Errorf("round trip of %d bytes: %q %d bytes, %v", len(data), mime, len(got), err)
		}
	}
}

func TestDecodeDataURI(t *testing.T) {
	payload := []byte("\x89PNG\r\n\x1a\n-binary?>")
	std := base64.StdEncoding.EncodeToString(payload)
	tests := []struct {
		name, ref, mime string
		want            []byte
		bad             bool // DecodeDataURI itself fails
		corrupt         bool // reading fails
	}{
		{"standard", "data:image/png;base64," + std, "image/png", payload, false, false},
		{"upper case scheme and type", "DATA:Image/PNG;BASE64," + std, "image/png", payload, false, false},
		{"url-safe unpadded", "data:image/png;base64," + base64.RawURLEncoding.EncodeToString(payload), "image/png", payload, false, false},
		{"line breaks and spaces", "data:image/png;base64," + std[:4] + "\n " + std[4:10] + "\r\n" + std[10:], "image/png", payload, false, false},
		{"parameters", "data:image/jpeg;name=x.jpg;base64," + std, "image/jpeg", payload, false, false},
		{"percent-encoded base64", "data:image/png;base64," + strings.ReplaceAll(std, "+", "%2B"), "image/png", payload, false, false},
		{"plain text", "data:,hello%20world", "text/plain", []byte("hello world"), false, false},
		{"not a data uri", "https://x/y.png", "", nil, true, false},
		{"no comma", "data:image/png;base64", "", nil, true, false},
		{"corrupt", "data:image/png;base64,****", "image/png", nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mime, r, err := DecodeDataURI(tt.ref)
			if tt.bad {
				if err == nil {
					t.Fatal("got no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if tt.corrupt {
				if err == nil {
					t.Fatal("reading a corrupt payload succeeded")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || mime != tt.mime {
				t.Errorf("mime %q (want %q), payload (-want +got):\n%s", mime, tt.mime, diff)
			}
		})
	}
}

func TestCopyDataURI(t *testing.T) {
	uri := DataURI("image/png", make([]byte, 100))
	var buf bytes.Buffer
	if n, err := CopyDataURI(uri, &buf, 100); err != nil || n != 100 {
		t.Errorf("CopyDataURI at the cap = %d, %v", n, err)
	}
	if _, err := CopyDataURI(uri, io.Discard, 99); KindOf(err) != KindTooLarge {
		t.Errorf("over the cap: %v, want too large", err)
	}
	if _, err := CopyDataURI("data:;base64,@@@@", io.Discard, 0); KindOf(err) != KindBadRequest {
		t.Errorf("corrupt: %v, want bad request", err)
	}
}
