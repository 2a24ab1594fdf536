package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/pixform/pixform/spec"
)

// The arguments of the commands on the image store: candidates, pick,
// history, store ls and store gc.

// addrArguments are those of candidates, pick and history: an image
// address, and for pick the candidate.
type addrArguments struct {
	addr        string // canonical
	candidate   string // pick's N|SHA256
	lockTimeout time.Duration
}

// parseAddrCommand parses a command that takes an image address (and
// with lockFlag, pick's candidate and -lock-timeout); wrongCount refuses
// another number of arguments.
func parseAddrCommand(name, usageLine, wrongCount string, lockFlag bool, args []string) (*addrArguments, error) {
	fs, out := argFlags(name, usageLine)
	var a addrArguments
	want := 1
	if lockFlag {
		want = 2
		fs.DurationVar(&a.lockTimeout, "lock-timeout", 0, "how long to wait for an apply to release the state lock")
	}
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if fs.NArg() != want {
		return nil, errors.New(wrongCount)
	}
	addr, err := spec.ParseAddr(fs.Arg(0))
	if err != nil {
		return nil, err
	}
	a.addr, a.candidate = addr, fs.Arg(1)
	return &a, nil
}

func parseCandidates(args []string) (*addrArguments, error) {
	return parseAddrCommand("candidates", "candidates ADDR\n\nLists the candidates the store holds of the image ADDR's current inputs:\nnumber, sha256 prefix, date, credits and dimensions; 'pixform pick ADDR N' picks one.",
		"candidates takes one image address, like: pixform candidates image.logo", false, args)
}

func parsePick(args []string) (*addrArguments, error) {
	return parseAddrCommand("pick", "pick [-lock-timeout=D] ADDR N|SHA256\n\nCopies the candidate N (as 'pixform candidates' numbers them), or the one\nwhose sha256 starts with SHA256, to the output of ADDR and records it as the\nimage and its pick in the state and the lockfile. No network is used.",
		"pick takes an image address and a candidate, like: pixform pick image.logo 2 (see 'pixform candidates image.logo')", true, args)
}

func parseHistory(args []string) (*addrArguments, error) {
	return parseAddrCommand("history", "history ADDR\n\nLists every generation the store holds for the image ADDR, newest first,\nmarking the one its output holds now.",
		"history takes one image address, like: pixform history image.logo", false, args)
}

// storeLsArguments are store ls's: none.
type storeLsArguments struct{}

func parseStoreLs(args []string) (*storeLsArguments, error) {
	fs, out := argFlags("store ls", "store ls\n\nLists the blobs of the image store, with the images they were made for,\nand whether the state, the lockfile or a pick references them.")
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	return &storeLsArguments{}, nil
}

// storeGCArguments are store gc's.
type storeGCArguments struct {
	olderThan   time.Duration
	lockTimeout time.Duration
}

func parseStoreGC(args []string) (*storeGCArguments, error) {
	fs, out := argFlags("store gc", "store gc [-older-than=D] [-lock-timeout=D]\n\nRemoves the blobs of the image store that neither the state, the lockfile\nnor a pick references (never an image's current output or its pick), and\nsays how many bytes that freed.")
	var a storeGCArguments
	fs.DurationVar(&a.olderThan, "older-than", 0, "remove only blobs unused for at least `D` (e.g. 720h); needed for a store that PIXFORM_STORE shares")
	fs.DurationVar(&a.lockTimeout, "lock-timeout", 0, "how long to wait for an apply to release the state lock")
	if err := parseArgs(fs, out, args); err != nil {
		return nil, err
	}
	if a.olderThan < 0 {
		return nil, fmt.Errorf("-older-than=%s: it must not be negative.", a.olderThan)
	}
	return &a, nil
}
