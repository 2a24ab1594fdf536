// Package executor carries out a planner.Plan. Apply moves and deletes
// files, then generates images in dependency order with an errgroup bounded
// by the parallelism: each image is submitted to its provider, its task id is
// recorded in the state before waiting, the task is polled (or its callback
// awaited), and the image is streamed to a temp file, checked to decode, and
// renamed into place before it is recorded.
//
// Progress is reported as Events through Options.OnEvent; rendering them is
// the CLI's job. executor imports planner, provider and state.
package executor
