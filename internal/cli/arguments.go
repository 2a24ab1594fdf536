package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"strings"
)

// A command's arguments are parsed into one typed struct per command
// (arguments_*.go: parsePlan, parseApply, ...) before the command runs.
// Parsing returns errors as values: a *parseError for a command line the
// flag package refused (or -h), with the flag package's words and usage
// to show as they are; any other error is a check of the values, which
// the command reports through its view.

// parseError is a command line that did not parse, or -h.
type parseError struct {
	out  string // what the flag package said, and the usage
	help bool   // -h: the usage was asked for, not an error
}

func (p *parseError) Error() string { return strings.TrimSpace(p.out) }

// argFlags returns the flag set of a command, writing what it says into
// a buffer that parseArgs turns into a *parseError.
func argFlags(name, usageLine string) (*flag.FlagSet, *bytes.Buffer) {
	var out bytes.Buffer
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(&out)
	fs.Usage = func() {
		fmt.Fprintf(&out, "Usage: pixform %s\n\nFlags:\n", usageLine)
		fs.PrintDefaults()
	}
	return fs, &out
}

// parseArgs parses args into fs, returning a *parseError when they do not
// parse.
func parseArgs(fs *flag.FlagSet, out *bytes.Buffer, args []string) error {
	if err := fs.Parse(args); err != nil {
		return &parseError{out: out.String(), help: errors.Is(err, flag.ErrHelp)}
	}
	return nil
}

// argError reports an error of parsing a command's arguments, and
// returns the exit code: 0 for -h.
func (e *env) argError(err error) int {
	e.view.Error(err)
	var pe *parseError
	if errors.As(err, &pe) && pe.help {
		return ExitOK
	}
	return ExitError
}

// validateArguments are validate's.
type validateArguments struct {
	vars varFlags
	json bool
}

func parseValidate(args []string) (*validateArguments, error) {
	fs, out := argFlags("validate", "validate [-json] [-var NAME=VALUE]... [-var-file=FILE]...")
	var a validateArguments
	a.vars.register(fs)
	fs.BoolVar(&a.json, "json", false, "print one JSON object per line instead of text, for machines")
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("validate takes no arguments, but got %q: it checks every *.pix.hcl file of the directory; use -chdir=DIR for another one.", fs.Args())
	}
	return &a, nil
}

// showArguments are show's: the state, or a saved plan.
type showArguments struct {
	json      bool
	planFile  []string // show PLANFILE; check refuses more than one
	workspace string   // -workspace (backend.go)
}

func parseShow(args []string) (*showArguments, error) {
	fs, out := argFlags("show", "show [-json] [PLANFILE]")
	var a showArguments
	fs.BoolVar(&a.json, "json", false, "print JSON for machines: the state as one \"state\" object, or a saved plan's changes")
	registerWorkspace(fs, &a.workspace)
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	a.planFile = fs.Args()
	return &a, nil
}

// check refuses what parses but cannot be shown, once the view is chosen.
func (a *showArguments) check() error {
	if len(a.planFile) > 1 {
		return fmt.Errorf("show takes one saved plan file, but got %d arguments.", len(a.planFile))
	}
	return nil
}

// verifyArguments are verify's.
type verifyArguments struct{ json bool }

func parseVerify(args []string) (*verifyArguments, error) {
	fs, out := argFlags("verify", "verify [-json]")
	var a verifyArguments
	fs.BoolVar(&a.json, "json", false, "print one JSON object per line instead of text, for machines")
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("verify takes no arguments, but got %q: it checks every output the lockfile lists.", fs.Args())
	}
	return &a, nil
}
