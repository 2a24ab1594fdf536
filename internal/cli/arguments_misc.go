package cli

import "fmt"

// The arguments of init, fmt and version.

// initArguments are init's: none.
type initArguments struct{}

func parseInit(args []string) (*initArguments, error) {
	fs, out := argFlags("init", "init")
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("init takes no arguments, but got %q: to start a spec in another directory, run 'pixform -chdir=DIR init'.", fs.Args())
	}
	return &initArguments{}, nil
}

// fmtArguments are fmt's: what to check or rewrite.
type fmtArguments struct {
	check, diff bool
	paths       []string // as typed; none means the spec directory
}

func parseFmt(args []string) (*fmtArguments, error) {
	fs, out := argFlags("fmt", "fmt [-check] [-diff] [FILE|DIR]...\n\n"+
		"Rewrites the *.pix.hcl (and *.pixvars.hcl) files of the spec directory, or the\n"+
		"files named, in canonical layout and lists the files it changed.")
	var a fmtArguments
	fs.BoolVar(&a.check, "check", false, "write nothing: list the files that are not formatted and exit 1 if there are any")
	fs.BoolVar(&a.diff, "diff", false, "print the changes as a unified diff (files are still rewritten unless -check)")
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	a.paths = fs.Args()
	return &a, nil
}

// versionArguments are version's.
type versionArguments struct{ json bool }

func parseVersion(args []string) (*versionArguments, error) {
	fs, out := argFlags("version", "version [-json]")
	var a versionArguments
	fs.BoolVar(&a.json, "json", false, "print the version as one JSON object")
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("version takes no arguments.")
	}
	return &a, nil
}
