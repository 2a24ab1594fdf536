package pgstate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/state"
)

// FilesName is where an apply on the pg backend keeps this machine's
// file-hash cache, relative to the spec directory: beside the local
// state, never in PostgreSQL (the hashes describe this machine's files).
const FilesName = ".pixform/pg-files.json"

const filesVersion = 1

// filesWire is the format of FilesName.
type filesWire struct {
	Version int                 `json:"version"`
	Files   map[string]fileWire `json:"files"`
}

type fileWire struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime"`
	Inode   uint64 `json:"inode,omitempty"`
	SHA256  string `json:"sha256"`
	Format  string `json:"format,omitempty"`
}

// LoadFiles reads the file-hash cache of dir's pg applies; an absent,
// unreadable or other-version file is an empty cache (it is only a
// cache: a file it lacks is hashed again).
func LoadFiles(fsys afero.Fs, dir string) map[string]state.FileHash {
	out := map[string]state.FileHash{}
	b, err := afero.ReadFile(fsys, filepath.Join(dir, filepath.FromSlash(FilesName)))
	if err != nil {
		return out
	}
	var w filesWire
	if json.Unmarshal(b, &w) != nil || w.Version != filesVersion {
		return out
	}
	for k, f := range w.Files {
		out[k] = state.FileHash{Size: f.Size, ModTime: f.ModTime, Inode: f.Inode, SHA256: f.SHA256, Format: f.Format}
	}
	return out
}

// SaveFiles writes files as the file-hash cache of dir's pg applies,
// atomically.
func SaveFiles(fsys afero.Fs, dir string, files map[string]state.FileHash) error {
	w := filesWire{Version: filesVersion, Files: make(map[string]fileWire, len(files))}
	for k, f := range files {
		w.Files[k] = fileWire{Size: f.Size, ModTime: f.ModTime, Inode: f.Inode, SHA256: f.SHA256, Format: f.Format}
	}
	b, err := json.Marshal(w)
	if err != nil {
		return err
	}
	name := filepath.Join(dir, filepath.FromSlash(FilesName))
	if err := fsys.MkdirAll(filepath.Dir(name), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("keep the file-hash cache: %w", err)
	}
	if err := state.WriteFileAtomic(fsys, name, b); err != nil {
		return fmt.Errorf("keep the file-hash cache: %w", err)
	}
	return nil
}
