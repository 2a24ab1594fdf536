// Package spec loads a pixform spec: every *.pix.hcl file of a directory,
// with its variables, locals, functions, provider blocks, image blocks
// (for_each, count, references, lifecycle) and moved blocks, evaluated into
// a sorted list of Assets.
//
// The entry point is Load, which returns hcl.Diagnostics rather than an
// error: every mistake it finds, each with a source range. Format (for
// pixform fmt) and ParseAddr (for -target, -replace and the state commands)
// serve the CLI. This package is a leaf: it imports nothing else of pixform;
// the planner consumes its Assets.
//
// Load works in passes, a file each: load.go reads the files (parse.go
// parses them on every CPU);
// variables.go and varvalues.go give the variables their values (default <
// PIXFORM_VAR_name < -var-file < -var); locals.go, evaluate.go and
// instance.go evaluate locals and image blocks in dependency order
// (graph.go), expanding for_each and count; refs.go classifies reference
// images and computes each asset's dependencies; provider.go and moved.go
// decode those blocks; functions.go and fsfuncs.go are the functions a
// spec can call. confine.go holds the one check that a path is inside the
// spec directory (outputs, reference images, file functions); source.go
// checks a source's bytes (UTF-8, nesting depth) before HCL parses it.
//
// LoadReusing (reuse.go, reuse_check.go, recordfs.go) is Load for plan and
// apply: it saves what a Load read and evaluated, and the next time
// reuses it when every input gives the same answer again.
package spec
