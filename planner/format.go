package planner

import (
	"bytes"
	"path"
	"strings"
)

// The image formats pixform reads and writes, by the names image.Decode
// gives them.
const (
	FormatPNG  = "png"
	FormatJPEG = "jpeg"
	FormatWebP = "webp"
)

// SniffLen is how many leading bytes SniffImage needs.
const SniffLen = 12

// SniffImage names the image format whose signature head starts with:
// "png", "jpeg" or "webp", or "" when head is none of them. It reads the
// signature only (cheap: a reference is checked at every plan), so a file
// that starts right but is broken after is the service's to refuse.
func SniffImage(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return FormatJPEG
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return FormatWebP
	}
	return ""
}

// OutputFormat is the format an output path's extension names: "png" for
// .png, "jpeg" for .jpg and .jpeg (any case), "" otherwise. The executor
// writes every output in this format, converting the service's result when
// it came in another.
func OutputFormat(rel string) string {
	switch strings.ToLower(path.Ext(rel)) {
	case ".png":
		return FormatPNG
	case ".jpg", ".jpeg":
		return FormatJPEG
	}
	return ""
}

// errSuffix is " (err)", or nothing without an error.
func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}
