package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/afero"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitError   = 1
	ExitChanges = 2 // plan -detailed-exitcode: there are changes
)

// env is what every command gets: where it runs and how it talks.
type env struct {
	ctx     context.Context
	fs      afero.Fs
	dir     string // the spec directory, absolute
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	noColor bool
	getenv  func(string) string
	// view is how the command talks: chosen once from its flags (useView
	// in views.go), for people until then.
	view view
	// forceColor colors plans even when stdout is no terminal (tests).
	forceColor bool
	// maxCredits is -max-credits of plan and apply, 0 for none: the
	// closing summary says when the budget stopped an apply.
	maxCredits float64
	// workspace is -workspace of the commands that use the state
	// (backend.go); "" means PIXFORM_WORKSPACE, else "default".
	workspace string
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) int
}

func commands() []command {
	return []command{
		{"apply", "Generate the images the plan calls for", runApply},
		{"plan", "Show which images would be generated, moved or deleted", runPlan},
		{"show", "Show the current state", runShow},
		{"validate", "Check the spec without touching the network", runValidate},
		{"init", "Start a spec here: a commented example and a .gitignore", runInit},
		{"verify", "Check every output on disk against the lockfile (for CI)", runVerify},
		{"fmt", "Rewrite spec files in canonical layout", runFmt},
		{"graph", "Print the image dependency graph as DOT", runGraph},
		{"state", "Inspect and edit the state: list, show, rm", runState},
		{"import", "Adopt an existing image file as an image's output", runImport},
		{"accept", "Accept an image's output as it is on disk (edited by hand)", runAccept},
		{"force-unlock", "Release a state lock whose holder cannot be checked", runForceUnlock},
		{"gallery", "Write an HTML contact sheet of every image", runGallery},
		{"candidates", "List the candidates of an image with variants", runCandidates},
		{"pick", "Pick one candidate of an image as its output", runPick},
		{"history", "List every generation the store holds for an image", runHistory},
		{"store", "List the image store, or remove what nothing references: ls, gc", runStore},
		{"version", "Print the pixform version and the Go version that built it", runVersion},
	}
}

// Run runs pixform with the given arguments and returns its exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("pixform", flag.ContinueOnError)
	global.SetOutput(stderr)
	chdir := global.String("chdir", ".", "run in `DIR` instead of the current directory")
	noColor := global.Bool("no-color", false, "print no color codes")
	version := global.Bool("version", false, "print the version, as the version command does")
	global.Usage = func() { usage(stderr) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitError
	}
	rest := global.Args()
	if *version {
		rest = append([]string{"version"}, rest...)
	}
	if len(rest) == 0 {
		usage(stderr)
		return ExitError
	}
	dir, err := filepath.Abs(*chdir)
	if err == nil {
		_, err = os.Stat(dir)
	}
	if err != nil {
		fmt.Fprintf(stderr, "Error: -chdir=%s: %v\n", *chdir, err)
		return ExitError
	}
	e := &env{
		ctx: ctx, fs: afero.NewOsFs(), dir: dir,
		stdin: stdin, stdout: stdout, stderr: stderr,
		noColor: *noColor || os.Getenv("NO_COLOR") != "",
		getenv:  os.Getenv,
	}
	e.view = &humanView{e: e}
	name := rest[0]
	for _, c := range commands() {
		if c.name == name {
			return c.run(e, rest[1:])
		}
	}
	if name == "help" || name == "-h" || name == "--help" {
		usage(stdout)
		return ExitOK
	}
	fmt.Fprintf(stderr, "Error: unknown command %q.\n\n", name)
	usage(stderr)
	return ExitError
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: pixform [-chdir=DIR] [-no-color] COMMAND [flags]")
	fmt.Fprintln(w, "\nCommands:")
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'pixform COMMAND -h' for a command's flags.")
}

// fail reports err through the command's view and returns the exit code
// of a failed command.
func (e *env) fail(err error) int {
	e.view.Error(err)
	return ExitError
}

// errorf reports an error through the command's view and returns the exit
// code of a failed command.
func (e *env) errorf(format string, args ...any) int {
	e.view.Error(fmt.Errorf(format, args...))
	return ExitError
}
