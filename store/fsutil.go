package store

import (
	"errors"
	"io"
	"os"
	"runtime"
	"syscall"

	"github.com/spf13/afero"
)

// The modes of what the store creates. Blobs are read-only: nothing
// writes to one after its rename, and an editor that follows a path into
// the store is refused.
const (
	dirPerm  = 0o755
	blobPerm = 0o444
	filePerm = 0o644
)

// kindOfIO classifies an error of the file system: a full device or quota
// is KindFull, a refused write KindUnwritable.
func kindOfIO(err error) Kind {
	switch {
	case errors.Is(err, syscall.ENOSPC), isQuota(err):
		return KindFull
	case errors.Is(err, os.ErrPermission), errors.Is(err, syscall.EROFS):
		return KindUnwritable
	default:
		return KindOther
	}
}

// ioError wraps a file-system error as an *Error of its kind.
func ioError(op, sum, path string, err error) error {
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	return &Error{Kind: kindOfIO(err), Op: op, SHA256: sum, Path: path, Err: err}
}

// syncDir fsyncs a directory, making renames, creations and removals in it
// durable. Windows cannot fsync a directory (and does not need to); on a
// file system without directories (a memory one) it is a no-op. The state
// package has the same function; a leaf imports neither.
func syncDir(fs afero.Fs, dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := fs.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// ctxReader stops a copy when ctx is done.
type ctxReader struct {
	ctx interface{ Err() error }
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// copyBufSize is the buffer of every copy: large enough that a 1 MB image
// takes a few system calls, small enough that a hundred copies at once
// stay a few megabytes.
const copyBufSize = 256 << 10

// onOS reports whether fsys is the OS file system, so that os calls (file
// locks) may stand in for it. As elsewhere in pixform, a wrapper does not
// count.
func onOS(fsys afero.Fs) bool {
	_, ok := fsys.(*afero.OsFs)
	return ok
}
