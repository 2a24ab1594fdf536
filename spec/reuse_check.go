package spec

import (
	"crypto/sha256"
	iofs "io/fs"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/afero"
	"golang.org/x/sync/errgroup"
)

// readReuse returns the spec saved in cacheFile when its key is key and
// every input it records gives the same answer now.
func readReuse(fs afero.Fs, cacheFile, key string, opts LoadOptions) (*Spec, bool) {
	data, err := afero.ReadFile(fs, cacheFile)
	if err != nil {
		return nil, false
	}
	dec, err := reuseDecoder(data)
	if err != nil {
		return nil, false
	}
	var hdr reuseHeader
	if err := dec.Decode(&hdr); err != nil || hdr.Key != key {
		return nil, false
	}
	for _, e := range hdr.Env {
		if opts.Env == nil {
			return nil, false
		}
		if sum := sha256.Sum256([]byte(opts.Env(e.Path))); string(sum[:]) != e.Got {
			return nil, false
		}
	}
	contents, ok := checkInputs(fs, hdr.Inputs, hdr.Files)
	if !ok {
		return nil, false
	}
	s, err := decodeBody(dec)
	if err != nil {
		return nil, false
	}
	for _, name := range hdr.Files {
		// Enough for printing diagnostics with their source, all a
		// Spec's Files serve once the spec is evaluated.
		s.Files[name] = &hcl.File{Bytes: contents[name]}
	}
	return s, true
}

// checkInputs asks every input again, on every CPU, and reports whether
// each gives what it gave. It returns the content of the files named in
// keep.
func checkInputs(fs afero.Fs, inputs []reuseInput, keep []string) (map[string][]byte, bool) {
	kept := make(map[string]bool, len(keep))
	for _, k := range keep {
		kept[k] = true
	}
	var mu sync.Mutex
	contents := make(map[string][]byte, len(keep))
	var changed atomic.Bool
	var g errgroup.Group
	g.SetLimit(2 * runtime.GOMAXPROCS(0)) // stats wait on the disk as much as on a CPU
	const chunk = 64
	for i := 0; i < len(inputs); i += chunk {
		part := inputs[i:min(i+chunk, len(inputs))]
		g.Go(func() error {
			for _, in := range part {
				if changed.Load() {
					return nil
				}
				got, data := answer(fs, in.Kind, in.Path)
				if got != in.Got {
					changed.Store(true)
					return nil
				}
				if in.Kind == inContent && kept[in.Path] {
					mu.Lock()
					contents[in.Path] = data
					mu.Unlock()
				}
			}
			return nil
		})
	}
	_ = g.Wait()
	if changed.Load() || len(contents) != len(keep) {
		return nil, false
	}
	return contents, true
}

// answer asks one input again, as recordFs recorded it; "" when the
// question cannot be answered (which no recorded answer equals). For
// content, it also returns the bytes.
func answer(fs afero.Fs, kind inputKind, name string) (string, []byte) {
	switch kind {
	case inStat:
		fi, err := fs.Stat(name)
		got, _ := statAnswer(fi, err)
		return got, nil
	case inLstat:
		lst, ok := fs.(afero.Lstater)
		if !ok {
			return "", nil
		}
		fi, used, err := lst.LstatIfPossible(name)
		if !used {
			return "", nil
		}
		got, _ := statAnswer(fi, err)
		return got, nil
	case inContent:
		data, err := afero.ReadFile(fs, name)
		if err != nil {
			return "", nil
		}
		sum := sha256.Sum256(data)
		return string(sum[:]), data
	case inList, inNames:
		f, err := fs.Open(name)
		if err != nil {
			return "", nil
		}
		defer f.Close()
		if kind == inNames {
			names, err := f.Readdirnames(-1)
			if err != nil {
				return "", nil
			}
			return listAnswer(names), nil
		}
		entries, err := listTyped(f)
		if err != nil {
			return "", nil
		}
		return listAnswer(entries), nil
	}
	return "", nil
}

// listTyped lists a directory as inList records it: with os.File's
// ReadDir where it can, which learns the types without a stat per entry.
func listTyped(f afero.File) ([]string, error) {
	rd, ok := f.(interface {
		ReadDir(int) ([]iofs.DirEntry, error)
	})
	if !ok {
		fis, err := f.Readdir(-1)
		return typedEntries(fis), err
	}
	des, err := rd.ReadDir(-1)
	entries := make([]string, len(des))
	for i, de := range des {
		entries[i] = de.Name() + "\x00" + de.Type().String()
	}
	return entries, err
}
