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
//
// # Files
//
// All of them sit in the spec directory and are reached through an
// afero.Fs (see the constants StateFile, BackupFile, JournalFile, LockFile
// and LockfileName):
//
//   - .pixform/state.json: the State as indented JSON, keys sorted. Its
//     serial grows by one at each write that changes its content; its
//     lineage is fixed when it is first written. Written atomically (temp
//     file, fsync, rename, fsync of the directory).
//   - .pixform/state.json.backup: the state.json a Store found when it
//     opened, kept by its first write that changed it.
//   - .pixform/journal.jsonl: the records since state.json was last
//     written, one JSON line each, fsynced one by one. Load and Open replay
//     it; a last line torn by a crash is ignored. A Store folds it into
//     state.json when it outgrows state.json (so an apply writes a small
//     multiple of the final state, not the state per image) and at Close.
//   - .pixform/lock.json: the directory lock (see Open, Holder,
//     ForceUnlock), created exclusively.
//   - pixform.lock.hcl: the Lock, written by WriteLock and by a Store at
//     each fold, when its content changed.
//
// # Neighbours
//
// The planner reads the state with Load and the lockfile with ReadLock; the
// executor records an apply through a Store; the CLI's state and
// force-unlock commands use Open and ForceUnlock. The API key never reaches
// this package.
package state
