package spec

import (
	"runtime"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/spf13/afero"
	"golang.org/x/sync/errgroup"
)

// parsed is one spec file read and parsed by parseFiles.
type parsed struct {
	readErr error
	file    *hcl.File // nil when it could not be read or parsed
	diags   hcl.Diagnostics
}

// parseFiles reads and parses the files on every CPU: a spec split
// across many files (a hundred at 10,000 images) parses in a fraction of
// the time. The results are by index, so what the loader does with them
// (in order) is what it did parsing one file after the other.
func parseFiles(fs afero.Fs, filenames []string) []parsed {
	out := make([]parsed, len(filenames))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, filename := range filenames {
		g.Go(func() error {
			src, err := afero.ReadFile(fs, filename)
			if err != nil {
				out[i].readErr = err
				return nil
			}
			if diags := checkSource(src, filename); diags.HasErrors() {
				out[i].diags = diags // parsing it would mislead (a prompt cut at a bad byte) or crash (nesting)
				return nil
			}
			out[i].file, out[i].diags = hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
			return nil
		})
	}
	_ = g.Wait() // no task fails
	return out
}
