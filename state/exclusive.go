package state

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"

	"github.com/spf13/afero"
)

// createExclusive creates name with data, failing with an error wrapping
// fs.ErrExist when it exists. On the OS filesystem the file appears whole
// or not at all: data is written to a temporary file, made durable, and
// hard-linked to name, which fails when name exists. A pixform killed at
// any instant therefore never leaves a lock file that names no holder
// (which only force-unlock could clear). Where hard links are refused,
// and on other filesystems, name is created exclusively and then written.
func createExclusive(fsys afero.Fs, name string, data []byte) error {
	if onOS(fsys) {
		err := linkExclusive(name, data)
		if !errors.Is(err, errNoLink) {
			return err
		}
	}
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return err
	}
	if err := writeSyncClose(f, data); err != nil {
		_ = fsys.Remove(name) // ours, half written: the write error is what matters
		return err
	}
	return nil
}

// writeSyncClose writes data to a new file, makes it durable and closes it.
func writeSyncClose(f interface {
	Write([]byte) (int, error)
	Sync() error
	Close() error
}, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// errNoLink tells createExclusive to fall back: the filesystem refused the
// hard link itself.
var errNoLink = errors.New("hard links not supported")

// linkExclusive is createExclusive by a hard link. The holder of the lock
// removes temporary files it finds (Open), which may be this one before it
// is linked: then it is written again.
func linkExclusive(name string, data []byte) error {
	for try := 0; ; try++ {
		err := linkOnce(name, data)
		if !errors.Is(err, errTmpGone) || try == 2 {
			return err
		}
	}
}

var errTmpGone = errors.New("temporary lock file removed before it was linked")

func linkOnce(name string, data []byte) error {
	tmp := name + ".tmp-" + newID() // Open removes such leftovers, under the lock
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // name, when linked, keeps the content
	if err := writeSyncClose(f, data); err != nil {
		return err
	}
	err = os.Link(tmp, name)
	switch {
	case err == nil || errors.Is(err, os.ErrExist):
		return err
	case errors.Is(err, os.ErrNotExist):
		if _, serr := os.Stat(filepath.Dir(name)); serr == nil {
			return errTmpGone
		}
		return err
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.ENOTSUP), errors.Is(err, syscall.EOPNOTSUPP),
		errors.Is(err, syscall.EXDEV), errors.Is(err, syscall.EMLINK), errors.Is(err, syscall.ENOSYS):
		return errNoLink // the O_EXCL way still works there
	default:
		return err
	}
}

// onOS reports whether fsys is the OS filesystem, so that os calls (a hard
// link, which afero lacks) may stand in for it. Like the other checks of
// the kind (spec, executor), a wrapper does not count.
func onOS(fsys afero.Fs) bool {
	_, ok := fsys.(*afero.OsFs)
	return ok
}
