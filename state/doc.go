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
// # Parts, one job each
//
//   - The model: State and its types (types.go, state.go), and the
//     records that change it (journal.go: record.validate checks a call
//     against the state, record.apply performs it).
//   - The seam: Backend (backend.go), the calls an apply records through;
//     the executor's Options.Store and the CLI's apply, import, accept and
//     state rm take it. Memory (memory.go) is the reference of what the
//     calls mean, in memory only.
//   - The local directory's Backend, Store (store.go), put together from
//     the directory lock (dirLock, dirlock.go, exclusive.go), the journal
//     (journal, compact.go, groupcommit.go: append, group commit, fold into
//     state.json) and the lockfile writer.
//   - The lockfile: its codec (lockfile.go, lockfile_fast.go) and
//     LockfileWriter (lockwriter.go), which keeps it in step with the
//     state during an apply. The local Store writes it at each fold;
//     WithLockfile (withlockfile.go) gives any other Backend the same at
//     Close, since the lockfile stays in git whatever keeps the state.
//
// A second backend (PostgreSQL, backend/pg, which imports nothing of
// pixform) plugs in as an adapter outside this package that implements
// Backend over its session, answering each call as Memory does (see
// TestMemoryIsTheStore for the calls), wrapped by WithLockfile. Its
// counterparts of Load (for plan), Open and ForceUnlock are chosen by the
// CLI; the file-hash cache (State.Files) is recorded through SetFiles like
// the rest.
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
