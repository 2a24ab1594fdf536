package cli

import (
	"fmt"

	"github.com/pixform/pixform/store"
)

// imageStore is the store of every image pixform downloaded for this spec
// (PIXFORM_STORE, or .pixform/store under the spec directory).
func (e *env) imageStore() *store.Local {
	return store.NewLocal(e.fs, store.Dir(e.dir, e.getenv))
}

// checkImageStore opens the image store and checks that it can be written,
// so that apply refuses before anything is spent rather than paying for
// images it cannot keep.
func (e *env) checkImageStore() (*store.Local, error) {
	s := e.imageStore()
	if err := s.Check(e.ctx); err != nil {
		return nil, fmt.Errorf("the image store cannot be used, so nothing was generated: %w; pixform keeps every image it downloads in %s (set %s to move it): "+
			"make that directory writable or point %s at one that is, then apply again", err, s.Root(), store.EnvVar, store.EnvVar)
	}
	return s, nil
}
