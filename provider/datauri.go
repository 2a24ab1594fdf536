package provider

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// DataURI returns data as an RFC 2397 data URI with base64 payload, the form
// the API accepts for reference images.
func DataURI(mime string, data []byte) string {
	prefix := "data:" + mime + ";base64,"
	var b strings.Builder
	b.Grow(len(prefix) + base64.StdEncoding.EncodedLen(len(data)))
	b.WriteString(prefix)
	enc := base64.NewEncoder(base64.StdEncoding, &b)
	enc.Write(data) // a strings.Builder never fails
	enc.Close()
	return b.String()
}

// errNotDataURI is returned for a ref that is not a data: URI at all.
var errNotDataURI = errors.New("not a data: URI")

// IsDataURI reports whether ref is a data: URI (by its scheme only).
func IsDataURI(ref string) bool {
	return len(ref) >= 5 && strings.EqualFold(ref[:5], "data:")
}

// DecodeDataURI parses an RFC 2397 data URI and returns its media type
// (without parameters, lower case; "text/plain" when absent) and a reader
// of its decoded payload. Base64 payloads are decoded while reading, so no
// decoded copy is ever held: the reader reads straight from ref. The
// decoder is lenient: it takes the standard and the URL-safe alphabets,
// missing padding and embedded line breaks or spaces. A corrupt payload
// surfaces as an error from the reader.
func DecodeDataURI(ref string) (mime string, r io.Reader, err error) {
	if !IsDataURI(ref) {
		return "", nil, errNotDataURI
	}
	rest := ref[5:]
	comma := strings.IndexByte(rest, ',')
	if comma < 0 {
		return "", nil, errors.New("data: URI without a comma before its payload")
	}
	header, payload := rest[:comma], rest[comma+1:]
	isBase64 := false
	params := strings.Split(header, ";")
	for _, p := range params[1:] {
		if strings.EqualFold(strings.TrimSpace(p), "base64") {
			isBase64 = true
		}
	}
	mime = strings.ToLower(strings.TrimSpace(params[0]))
	if mime == "" {
		mime = "text/plain"
	}
	if strings.IndexByte(payload, '%') >= 0 {
		// Percent-encoded payloads are rare and small; unescaping copies.
		if u, uerr := url.PathUnescape(payload); uerr == nil {
			payload = u
		}
	}
	if !isBase64 {
		return mime, strings.NewReader(payload), nil
	}
	return mime, base64Reader(payload), nil
}

// base64Reader decodes payload while reading, tolerating whitespace, the
// URL-safe alphabet and missing padding.
func base64Reader(payload string) io.Reader {
	enc := base64.StdEncoding
	if strings.ContainsAny(payload, "-_") {
		enc = base64.URLEncoding
	}
	n := 0 // significant characters, to restore missing padding
	hasSpace := false
	for i := 0; i < len(payload); i++ {
		switch payload[i] {
		case ' ', '\t', '\r', '\n':
			hasSpace = true
		default:
			n++
		}
	}
	var src io.Reader = strings.NewReader(payload)
	if hasSpace {
		src = &skipSpace{r: src}
	}
	if pad := (4 - n%4) % 4; pad > 0 && pad < 3 {
		src = io.MultiReader(src, strings.NewReader(strings.Repeat("=", pad)))
	}
	return base64.NewDecoder(enc, src)
}

// skipSpace drops ASCII whitespace from the stream it wraps.
type skipSpace struct{ r io.Reader }

func (s *skipSpace) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, err := s.r.Read(p)
		j := 0
		for _, c := range p[:n] {
			if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// CopyDataURI decodes the data: URI ref into w, failing with an *Error of
// kind KindTooLarge once more than max bytes arrive (max <= 0: no cap), and
// of kind KindBadRequest when ref is not a valid data URI. Op is
// "download".
func CopyDataURI(ref string, w io.Writer, max int64) (int64, error) {
	_, r, err := DecodeDataURI(ref)
	if err != nil {
		return 0, &Error{Kind: KindBadRequest, Op: "download", Message: "unreadable data URI", Err: err}
	}
	if max > 0 {
		r = io.LimitReader(r, max+1)
	}
	n, err := io.Copy(w, r)
	switch {
	case max > 0 && n > max:
		return n, &Error{Kind: KindTooLarge, Op: "download", Message: fmt.Sprintf("image larger than %d bytes", max)}
	case err != nil:
		var ce base64.CorruptInputError
		if errors.As(err, &ce) || errors.Is(err, io.ErrUnexpectedEOF) {
			return n, &Error{Kind: KindBadRequest, Op: "download", Message: "corrupt data URI", Err: err}
		}
		return n, &Error{Kind: KindTransient, Op: "download", Message: "writing the image failed", Err: err}
	}
	return n, nil
}
