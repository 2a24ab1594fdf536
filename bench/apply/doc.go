// Command apply measures the performance figures pixform promises, against
// the in-process fake API (internal/fakeapi), and prints each next to its
// target with PASS or MISS:
//
//   - wall time of an apply of N images at parallelism P when every task
//     takes L, against the ideal ceil(N/P)·L, polling and with callbacks;
//   - requests the API receives per image (submit, queries, download);
//   - state write amplification: the bytes a Store writes (state.json, its
//     backup, the journal, the lockfile) over the final size of state.json
//     and pixform.lock.hcl, for an apply of -state-n images on the offline
//     provider;
//   - peak RSS (VmHWM) of an apply of -rss-n images of -rss-size bytes
//     each, measured in a child process that runs only pixform's side (spec,
//     planner, executor, defapi client, state); the fake, serving
//     incompressible noise images (fakeapi.Options.NoiseBytes), stays in
//     the parent.
//
// Usage:
//
//	go run ./bench/apply [-n 1000] [-p 100] [-latency 2s] [-mode polling|callbacks|both|none]
//	                     [-state-n 10000] [-rss-n 1000 -rss-size 4MB] [-o FILE]
//	                     [-cpuprofile FILE] [-mutexprofile FILE]
//
// -o writes the table as Markdown too (for the README). -state-n 0 or
// -rss-n 0 skips that part. On stderr, each timed apply also shows where an
// image's time goes (start to submitted, submitted to final, final to
// done); -cpuprofile and -mutexprofile profile the timed applies. Timed
// figures depend on the machine's load and disk (every state record and
// every image is fsynced): the caption gives the load average. Every apply runs end to end as the CLI does:
// a *.pix.hcl file is written to a temp directory, loaded with spec.Load,
// planned with planner.Make, and applied with executor.Apply on a
// state.Store of that directory.
//
// This command imports spec, planner, executor, state, provider and the
// fake; nothing imports it.
package main
