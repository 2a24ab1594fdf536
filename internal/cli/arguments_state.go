package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/pixform/pixform/spec"
)

// The arguments of the commands that edit or read the state without a
// plan: import, accept, state list/show/rm, force-unlock.

// adoptArguments are import's and accept's: an image and, for import, the
// file it adopts.
type adoptArguments struct {
	vars        varFlags
	lockTimeout time.Duration
	addr        string // canonical
	file        string // import's FILE
	workspace   string // -workspace (backend.go)
}

// parseAdopt parses import's (wantFile) or accept's command line; usage
// and wrongCount say how it is called.
func parseAdopt(name, usageLine, wrongCount string, wantFile bool, args []string) (*adoptArguments, error) {
	fs, out := argFlags(name, usageLine)
	var a adoptArguments
	a.vars.register(fs)
	fs.DurationVar(&a.lockTimeout, "lock-timeout", 0, "how long to wait for an apply to release the state lock")
	registerWorkspace(fs, &a.workspace)
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	want := 1
	if wantFile {
		want = 2
	}
	if fs.NArg() != want {
		return nil, errors.New(wrongCount)
	}
	addr, err := spec.ParseAddr(fs.Arg(0))
	if err != nil {
		return nil, err
	}
	a.addr, a.file = addr, fs.Arg(1)
	return &a, nil
}

func parseImport(args []string) (*adoptArguments, error) {
	return parseAdopt("import", "import [-var NAME=VALUE]... [-var-file=FILE]... [-lock-timeout=D] ADDR FILE\n\n"+
		"Adopts FILE (a PNG, JPEG or WebP image; a path relative to the spec directory)\n"+
		"as the output of the image ADDR without generating it: the file is copied to\n"+
		"the image's output and recorded in the state and the lockfile, so that plan\n"+
		"shows no changes for it.",
		"import takes an address and a file, like: pixform import image.logo logo.png", true, args)
}

func parseAccept(args []string) (*adoptArguments, error) {
	return parseAdopt("accept", "accept [-var NAME=VALUE]... [-var-file=FILE]... [-lock-timeout=D] ADDR\n\n"+
		"Accepts the file at the output of the recorded image ADDR, as it is on disk\n"+
		"(edited by hand, say), as that image: it is recorded in the state and the\n"+
		"lockfile with the fingerprint of the current inputs, so that plan no longer\n"+
		"reports it as edited. Nothing is generated and no network is used.",
		"accept takes one image address, like: pixform accept image.logo", false, args)
}

// stateArguments are those of state list, show and rm: addresses, canonical.
type stateArguments struct {
	addrs       []string
	lockTimeout time.Duration // state rm
	workspace   string        // -workspace (backend.go)
}

func parseStateList(args []string) (*stateArguments, error) {
	return parseState("state list", "state list [ADDR...]", args, false, func(n int) string { return "" })
}

func parseStateShow(args []string) (*stateArguments, error) {
	return parseState("state show", "state show ADDR", args, false, func(n int) string {
		if n != 1 {
			return "state show takes one address, like image.logo or 'image.hero[\"knight\"]'; run 'pixform state list' to see them."
		}
		return ""
	})
}

func parseStateRm(args []string) (*stateArguments, error) {
	return parseState("state rm", "state rm [-lock-timeout=D] ADDR...", args, true, func(n int) string {
		if n == 0 {
			return "state rm needs at least one address, like image.logo; run 'pixform state list' to see them."
		}
		return ""
	})
}

// parseState parses a state subcommand; count refuses a wrong number of
// addresses with its message.
func parseState(name, usageLine string, args []string, lockFlag bool, count func(int) string) (*stateArguments, error) {
	fs, out := argFlags(name, usageLine)
	var a stateArguments
	registerWorkspace(fs, &a.workspace)
	if lockFlag {
		fs.DurationVar(&a.lockTimeout, "lock-timeout", 0, "how long to wait for an apply to release the state lock")
	}
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if msg := count(fs.NArg()); msg != "" {
		return nil, errors.New(msg)
	}
	addrs, err := parseAddrs(fs.Args())
	if err != nil {
		return nil, err
	}
	a.addrs = addrs
	return &a, nil
}

// forceUnlockArguments are force-unlock's.
type forceUnlockArguments struct {
	force     bool
	id        string
	workspace string // -workspace (backend.go)
}

func parseForceUnlock(args []string) (*forceUnlockArguments, error) {
	fs, out := argFlags("force-unlock", "force-unlock [-force] ID\n\n"+
		"Releases the state lock with this ID, held by a pixform that cannot be checked\n"+
		"(one on another host). A holder gone from this host (dead, or its pid now\n"+
		"another process's) needs no force-unlock: the next apply takes its lock over.\n"+
		"ID is in the error that names the holder; use\n"+
		"'corrupt' to remove a lock file that names no holder.")
	var a forceUnlockArguments
	fs.BoolVar(&a.force, "force", false, "release without asking")
	registerWorkspace(fs, &a.workspace)
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if fs.NArg() != 1 {
		return nil, fmt.Errorf("force-unlock takes one lock ID, which the error about the lock names: pixform force-unlock ID.")
	}
	a.id = fs.Arg(0)
	return &a, nil
}

// stateCopyArguments are state push's and state pull's.
type stateCopyArguments struct {
	lockTimeout time.Duration
	workspace   string
}

func parseStateCopy(dir string, args []string) (*stateCopyArguments, error) {
	fs, out := argFlags("state "+dir, "state "+dir+" [-lock-timeout=D] [-workspace=NAME]")
	var a stateCopyArguments
	fs.DurationVar(&a.lockTimeout, "lock-timeout", 0, "how long to wait for an apply to release either lock")
	registerWorkspace(fs, &a.workspace)
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if fs.NArg() != 0 {
		return nil, fmt.Errorf("state %s takes no arguments; choose the workspace with -workspace=NAME.", dir)
	}
	return &a, nil
}
