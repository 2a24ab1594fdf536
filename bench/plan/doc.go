// Command plan measures a no-op `pixform plan` as a user runs it: the
// pixform binary, built once, run as a fresh process on specs shaped as
// people write them, and prints each figure next to its target (issue 13)
// with PASS or MISS.
//
// The shape: N separate image blocks, each with its own prompt and one
// reference image among N/10 files, on the offline provider; the blocks in
// one file, and the same blocks split across 100 files. For each N (1,000,
// 10,000 and 100,000 by default) the command writes the spec and the
// reference files into a temp directory, runs `pixform apply
// -auto-approve` once, then times `pixform plan -detailed-exitcode` (which
// must find no changes) several times and reports the median wall time,
// the CPU time and the peak RSS (the child's getrusage maxrss), and the time
// per 1,000 images, to show that the cost grows linearly. At 10,000 it
// also times the plan after one prompt among the 10,000 was edited.
//
// Usage:
//
//	go run ./bench/plan [-n 1000,10000,100000] [-runs 5] [-o FILE] [-keep]
//
// -o writes the table as Markdown too (for the README); -keep leaves the
// temp directories in place (their paths go to stderr), to profile a plan
// by hand. Timed figures depend on the machine's load: the caption gives
// the load average.
//
// This command runs pixform only as a subprocess; it imports nothing of
// pixform, and nothing imports it.
package main
