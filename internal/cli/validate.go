package cli

import "fmt"

func runValidate(e *env, args []string) int {
	fs := newFlags(e, "validate", "validate [-var NAME=VALUE]... [-var-file=FILE]...")
	var vf varFlags
	vf.register(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	sp, ok := e.loadSpec(vf)
	if !ok {
		return ExitError
	}
	fmt.Fprintf(e.stdout, "Success! The spec is valid: %d image(s) in %d file(s).\n", len(sp.Assets), len(sp.Files))
	return ExitOK
}
