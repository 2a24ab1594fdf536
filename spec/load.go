package spec

import (
	"fmt"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/afero"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// FileSuffix is how the name of a spec file ends.
const FileSuffix = ".pix.hcl"

// loader holds the state of one Load.
type loader struct {
	fs    afero.Fs
	dir   string
	opts  LoadOptions
	spec  *Spec
	diags hcl.Diagnostics
	funcs map[string]function.Function

	blocks map[string][]*hcl.Block // top-level blocks by type, in file order

	vars    map[string]*variable
	varVal  cty.Value // the var object
	locals  map[string]*hcl.Attribute
	images  map[string]*imageBlock
	derives map[string]*deriveBlock
	values  map[string]cty.Value // evaluated graph nodes: "local.x", "image.y"
	badProv map[string]bool      // provider types declared but refused

	// lazyValues build the values of evaluated image blocks when first
	// referred to (eval.go, value).
	lazyValues map[string]func() cty.Value

	// Filled while evaluating images.
	instances map[string][]string // block name -> addresses of its instances
	outputs   map[string]string   // output path -> address, for every instance with a valid output
	pending   []*pendingAsset
	unknown   bool // some value was unknown without an error explaining it

	// Caches of one Load, so that each file or expression is looked at once.
	links    *linkCache                      // symbolic links resolved (oslinks.go)
	linkMu   sync.Mutex                      // guards links: file functions run in parallel
	refStats map[string]refStat              // reference files stated (refs.go)
	refCheck map[refCheckKey]hcl.Diagnostics // references checked (eval.go)
	pre      map[preKey]preVal               // arguments evaluated ahead, in parallel (parallel.go)
}

// Load reads every *.pix.hcl file in dir, sorted by name, as one spec and
// evaluates it. It always returns a non-nil Spec whose Files hold what was
// read, so that the caller can print the diagnostics with their source.
// The diagnostics hold every error found, not only the first.
func Load(fs afero.Fs, dir string, opts LoadOptions) (s *Spec, diags hcl.Diagnostics) {
	l := &loader{
		fs:   fs,
		dir:  dir,
		opts: opts,
		spec: &Spec{
			Dir:       dir,
			Files:     map[string]*hcl.File{},
			Providers: map[string]*Provider{},
		},
		blocks:     map[string][]*hcl.Block{},
		vars:       map[string]*variable{},
		locals:     map[string]*hcl.Attribute{},
		images:     map[string]*imageBlock{},
		derives:    map[string]*deriveBlock{},
		values:     map[string]cty.Value{},
		lazyValues: map[string]func() cty.Value{},
		badProv:    map[string]bool{},
		instances:  map[string][]string{},
		outputs:    map[string]string{},
	}
	defer func() {
		if r := recover(); r != nil {
			s = l.spec
			diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Internal error",
				Detail: fmt.Sprintf("pixform failed while loading this spec (%v). This is a bug in pixform; please report it with the spec that causes it.\n\n%s",
					r, debug.Stack()),
			})
		}
	}()
	l.funcs = l.functions()
	l.load()
	reviseFunctionDiags(l.diags)
	l.diags = dedupe(l.diags)
	sortDiags(l.diags)
	return l.spec, l.diags
}

func (l *loader) load() {
	if !l.readFiles() {
		return
	}
	l.declareVariables()
	l.assignVariables()
	l.validateVariables()
	l.collectLocals()
	l.declareProviders()
	l.declareImages()
	l.declareDerives()
	l.evaluateGraph()
	l.evaluateDerives()
	l.decodeProviders()
	l.finishAssets()
	l.decodeMoved()
	l.decodeBackend()
	if l.unknown && !l.diags.HasErrors() {
		l.errorf(nil, "Value not known",
			"Some value of this spec could not be determined, so the spec was not fully evaluated. This is a bug in pixform; please report it with the spec that causes it.")
	}
}

// readFiles parses every spec file of the directory and sorts its blocks
// by type. It reports whether there was anything to read.
func (l *loader) readFiles() bool {
	infos, err := afero.ReadDir(l.fs, l.dir)
	if err != nil {
		l.errorf(nil, "Cannot read the spec directory",
			"pixform could not list the directory %s: %s. Check that it exists and can be read, or choose another one with -chdir.", l.dir, err)
		return false
	}
	var names []string
	for _, fi := range infos {
		if !fi.IsDir() && strings.HasSuffix(fi.Name(), FileSuffix) {
			names = append(names, fi.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		l.errorf(nil, "No spec files",
			"The directory %s has no *%s files. Run pixform init to create one, or choose the spec directory with -chdir.", l.dir, FileSuffix)
		return false
	}
	filenames := make([]string, len(names))
	for i, name := range names {
		filenames[i] = filepath.Join(l.dir, name)
	}
	for i, p := range parseFiles(l.fs, filenames) {
		filename, f := filenames[i], p.file
		if p.readErr != nil {
			l.errorf(nil, "Cannot read a spec file", "pixform could not read %s: %s. Check its permissions.", filename, p.readErr)
			continue
		}
		l.diags = append(l.diags, p.diags...)
		if f == nil {
			continue
		}
		l.spec.Files[filename] = f
		content, diags := f.Body.Content(fileSchema)
		l.diags = append(l.diags, diags...)
		for _, b := range content.Blocks {
			l.blocks[b.Type] = append(l.blocks[b.Type], b)
		}
	}
	return true
}
