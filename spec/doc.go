// Package spec loads a pixform spec: every *.pix.hcl file of a directory,
// with its variables, locals, functions, provider blocks, image blocks
// (for_each, count, references, lifecycle) and moved blocks, evaluated into
// a sorted list of Assets.
//
// The entry point is Load, which returns hcl.Diagnostics rather than an
// error: every mistake it finds, each with a source range. This package is a
// leaf: it imports nothing else of pixform; the planner consumes its Assets.
package spec
