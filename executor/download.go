package executor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // results may be JPEG
	_ "image/png"
	"io"
	"path/filepath"

	"github.com/spf13/afero"
	_ "golang.org/x/image/webp" // results may be WebP

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/state"
)

// downloadAttempts bounds how often one image download starts over after a
// transient failure (the provider retried each attempt already).
const downloadAttempts = 3

// download streams the image at ref into a temp file beside output, checks
// that it decodes as PNG, JPEG or WebP, converts it to the format the
// output's extension names when it came in another, and renames it into
// place. It returns the sha256 of what was written.
func (e *executor) download(ctx context.Context, prov provider.Provider, output, ref string) (string, error) {
	full := filepath.Join(e.opts.Dir, filepath.FromSlash(output))
	if err := e.inside(full); err != nil {
		return "", err
	}
	if err := e.opts.Fs.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return "", fmt.Errorf("create directory for %s: %w", output, err)
	}
	var lastErr error
	for attempt := 0; attempt < downloadAttempts; attempt++ {
		sum, err := e.downloadOnce(ctx, prov, full, ref)
		if err == nil {
			return sum, nil
		}
		lastErr = err
		if ctx.Err() != nil || provider.KindOf(err) != provider.KindTransient {
			break
		}
	}
	if isKeepError(lastErr) {
		return "", lastErr
	}
	return "", fmt.Errorf("download image: %w", lastErr)
}

func (e *executor) downloadOnce(ctx context.Context, prov provider.Provider, full, ref string) (sum string, err error) {
	fsys := e.opts.Fs
	tmp, err := afero.TempFile(fsys, filepath.Dir(full), "."+filepath.Base(full)+".*.tmp")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			fsys.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	if _, err := prov.Download(ctx, ref, io.MultiWriter(tmp, h), e.opts.MaxImageBytes); err != nil {
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		return "", err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	_, format, err := image.DecodeConfig(tmp)
	if err != nil {
		return "", fmt.Errorf("the result is not a PNG, JPEG or WebP image: %w", err)
	}
	if err := checkComplete(tmp, format); err != nil {
		return "", err
	}
	sum = "sha256:" + hex.EncodeToString(h.Sum(nil))
	// The output's extension decides its format, not the service: a .jpg
	// gets JPEG bytes whatever came.
	if want := planner.OutputFormat(full); want != "" && want != format {
		conv, csum, err := e.convert(tmp, format, want, full)
		if err != nil {
			return "", err
		}
		tmp.Close()
		fsys.Remove(tmp.Name())
		tmp, sum = conv, csum // the deferred cleanup now owns conv
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := fsys.Chmod(tmp.Name(), 0o644); err != nil { // TempFile creates 0o600: an image is a file to share
		return "", err
	}
	if err := e.keepBlob(ctx, tmp.Name()); err != nil {
		return "", err
	}
	if err := fsys.Rename(tmp.Name(), full); err != nil {
		return "", fmt.Errorf("move image into place: %w", err)
	}
	// Durable before the image is recorded: without it a crash could lose
	// the rename of an image the state says is done. Best effort: should it
	// fail, the next plan finds the output missing and creates it again.
	_ = state.SyncDir(fsys, filepath.Dir(full))
	return sum, nil
}

// checkComplete checks that the file ends as its format says a whole image
// ends, without decoding its pixels (a truncated file has a valid header,
// and decoding every image would hold it in memory).
func checkComplete(f afero.File, format string) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	tail := make([]byte, 12)
	if size < int64(len(tail)) {
		return fmt.Errorf("the %s result is truncated (%d bytes)", format, size)
	}
	if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil {
		return err
	}
	var complete bool
	switch format {
	case "png":
		complete = string(tail[4:8]) == "IEND"
	case "jpeg":
		complete = tail[10] == 0xFF && tail[11] == 0xD9
	case "webp":
		head := make([]byte, 8)
		if _, err := f.ReadAt(head, 0); err != nil {
			return err
		}
		riff := int64(head[4]) | int64(head[5])<<8 | int64(head[6])<<16 | int64(head[7])<<24
		complete = riff+8 == size || riff+9 == size // chunks are padded to even sizes
	}
	if !complete {
		return fmt.Errorf("the %s result is truncated: it does not end as a whole image does", format)
	}
	return nil
}
