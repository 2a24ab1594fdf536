package cli

import "path/filepath"

// specCacheFile is where spec.LoadReusing keeps the last evaluation of the
// spec, beside the state (local, gitignored with .pixform/).
const specCacheFile = ".pixform/spec.cache"

// specCachePath is specCacheFile in the spec directory dir.
func specCachePath(dir string) string {
	return filepath.Join(dir, filepath.FromSlash(specCacheFile))
}
