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

// graphArguments are graph's.
type graphArguments struct{ vars varFlags }

func parseGraph(args []string) (*graphArguments, error) {
	fs, out := argFlags("graph", "graph [-var NAME=VALUE]... [-var-file=FILE]...\n\n"+
		"Prints the dependency graph of the images as DOT: an edge from each image to\n"+
		"each image it references or depends on. Render it with Graphviz:\n"+
		"  pixform graph | dot -Tsvg > graph.svg")
	var a graphArguments
	a.vars.register(fs)
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("graph takes no arguments, but got %q. Use -chdir=DIR to graph another spec.", fs.Args())
	}
	return &a, nil
}

// galleryArguments are gallery's: where to write it, or -serve.
type galleryArguments struct {
	out    string
	serve  bool
	listen string
}

func parseGallery(args []string) (*galleryArguments, error) {
	fs, out := argFlags("gallery", "gallery [-o DIR]\n       pixform gallery -serve [-listen=ADDR]")
	var a galleryArguments
	fs.StringVar(&a.out, "o", DefaultGalleryDir, "write index.html into `DIR` (relative to the spec directory)")
	fs.BoolVar(&a.serve, "serve", false, "serve the gallery on a loopback address, with a pick button per candidate, instead of writing it")
	fs.StringVar(&a.listen, "listen", "127.0.0.1:0", "with -serve, the loopback `ADDR` to serve on (a random port by default)")
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("gallery takes no arguments, got %q: use -o DIR to choose where it goes.", fs.Args())
	}
	return &a, nil
}
