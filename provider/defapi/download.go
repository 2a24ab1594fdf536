package defapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/pixform/pixform/provider"
)

// Download streams the image named by ref into w.
//
// A data: URI is decoded while copying. An http(s) URL is fetched with GET,
// carrying the key only when its host is the API's own; failures before
// the first byte reaches w (5xx, 429, resets, timeouts) are retried under
// the client's policy. A failure after bytes were written is returned at
// once as KindTransient: w holds a partial image, so the caller retries
// the download into a fresh file. More than max bytes (max <= 0: no cap)
// is KindTooLarge; a URL that answers 4xx is KindNotFound (it may have
// expired: query the task again), or KindAuth when the API's own host
// refuses the key.
func (c *Client) Download(ctx context.Context, ref string, w io.Writer, max int64) (int64, error) {
	if provider.IsDataURI(ref) {
		n, err := provider.CopyDataURI(ref, w, max)
		if err != nil {
			return n, c.fail(asProviderError("download", err))
		}
		return n, nil
	}
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 0, c.fail(&provider.Error{Kind: provider.KindBadRequest, Op: "download",
			Message: "the image reference is neither an http(s) URL nor a data: URI"})
	}
	own := strings.EqualFold(u.Host, c.base.Host)
	var written int64
	err = c.retry(ctx, "download", own, func(ctx context.Context) error {
		n, err := c.fetch(ctx, u.String(), own, w, max)
		written = n
		return err
	})
	return written, err
}

// fetch makes one download attempt.
func (c *Client) fetch(ctx context.Context, u string, own bool, w io.Writer, max int64) (int64, error) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.DownloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
	if err != nil {
		return 0, &provider.Error{Kind: provider.KindBadRequest, Op: "download", Err: err}
	}
	if own {
		c.authorize(req)
	}
	req.Header.Set("User-Agent", "pixform")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, transportError(ctx, "download", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := readBody(resp.Body, 64<<10)
		return 0, c.statusError("download", resp, body, own)
	}
	if max > 0 && resp.ContentLength > max {
		return 0, tooLarge(max)
	}
	return copyImage(ctx, w, resp.Body, max)
}

func tooLarge(max int64) *provider.Error {
	return &provider.Error{Kind: provider.KindTooLarge, Op: "download",
		Message: fmt.Sprintf("image larger than %d bytes", max)}
}

// copyImage copies body into w, telling read failures (retryable while
// nothing was written) from write failures (never retried here).
func copyImage(ctx context.Context, w io.Writer, body io.Reader, max int64) (int64, error) {
	if max > 0 {
		body = io.LimitReader(body, max+1)
	}
	buf := make([]byte, 32<<10)
	var n int64
	for {
		m, rerr := body.Read(buf)
		if m > 0 {
			if max > 0 && n+int64(m) > max {
				return n, tooLarge(max)
			}
			wm, werr := w.Write(buf[:m])
			n += int64(wm)
			if werr == nil && wm < m {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				return n, &provider.Error{Kind: provider.KindTransient, Op: "download",
					Message: "writing the image failed", Err: werr}
			}
		}
		if errors.Is(rerr, io.EOF) {
			return n, nil
		}
		if rerr != nil {
			if n == 0 {
				return 0, transportError(ctx, "download", rerr)
			}
			return n, &provider.Error{Kind: provider.KindTransient, Op: "download",
				Message: fmt.Sprintf("download interrupted after %d bytes; retry it into a fresh file", n), Err: rerr}
		}
	}
}
