// Package state keeps what pixform knows about generated images between runs.
//
// Two files: the local state (.pixform/state.json, gitignored), versioned JSON
// with serial and lineage that records every asset, tasks in flight, the
// credits each model consumed and a file-hash cache; and the committed
// lockfile (pixform.lock.hcl), the sorted, timestamp-free subset a teammate
// needs to see "No changes" on a fresh clone.
//
// Open takes the directory lock and returns a Store whose Record* methods
// append to a journal (fsync per record, O(1) per finished image) that Close
// folds into state.json with an atomic write and a backup. Load reads the
// state without the lock, for plan. This package is a leaf: it imports
// nothing else of pixform.
package state
