package cli

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
)

// runVersion prints pixform's version (the one -json reports), the Go
// version that built it, the platform and, when the build recorded it,
// the commit.
func runVersion(e *env, args []string) int {
	a, err := parseVersion(args)
	if err != nil {
		return e.argError(err)
	}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	commit := buildCommit()
	if a.json {
		v := map[string]string{"pixform": Version, "ui": jsonUIVersion, "go": runtime.Version(), "platform": platform}
		if commit != "" {
			v["commit"] = commit
		}
		b, _ := json.Marshal(v) // strings only: cannot fail
		fmt.Fprintln(e.stdout, string(b))
		return ExitOK
	}
	fmt.Fprintf(e.stdout, "pixform %s\n%s on %s\n", Version, runtime.Version(), platform)
	if commit != "" {
		fmt.Fprintf(e.stdout, "commit %s\n", commit)
	}
	return ExitOK
}

// buildCommit is the VCS revision the binary was built from ("-dirty"
// when the tree had changes), or "" when the build did not record one.
func buildCommit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" && dirty {
		rev += "-dirty"
	}
	return rev
}
