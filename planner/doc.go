// Package planner decides what an apply must do. Make compares the assets of
// a loaded spec with the state, the committed lockfile and the files on disk,
// and returns a Plan: one Change per asset, sorted by address, each with an
// Action (create, replace, move, delete, no-op) and the reasons for it.
//
// Plan reads no network. It hashes local files (reference images and
// outputs) through a cache keyed by (size, mtime, inode) that the plan hands
// back for the executor to store, so a no-op plan over thousands of files
// hashes nothing. Fingerprint defines the identity of an image's inputs.
//
// planner imports spec and state; the executor imports planner. Rendering a
// plan for people is the CLI's job.
package planner
