package store

import "path/filepath"

// EnvVar names the environment variable that moves the store, for instance
// to a directory several specs share.
const EnvVar = "PIXFORM_STORE"

// DefaultDir is where the store of a spec lives unless EnvVar says
// otherwise, relative to the spec directory (inside the gitignored
// .pixform directory).
const DefaultDir = ".pixform/store"

// Dir returns the store directory of the spec directory specDir: the value
// of EnvVar when it is set and not empty (a relative one taken from
// specDir, not from the current directory), DefaultDir under specDir
// otherwise. getenv is os.Getenv, or a stand-in in tests.
func Dir(specDir string, getenv func(string) string) string {
	if v := getenv(EnvVar); v != "" {
		if filepath.IsAbs(v) {
			return filepath.Clean(v)
		}
		return filepath.Join(specDir, v)
	}
	return filepath.Join(specDir, filepath.FromSlash(DefaultDir))
}
