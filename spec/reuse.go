package spec

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	iofs "io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/spf13/afero"
)

// LoadReusing is Load, reusing the result an earlier LoadReusing saved in
// cacheFile when nothing that Load read has changed since: a no-op plan of
// a large spec then reads its inputs instead of parsing and evaluating
// them again.
//
// Reuse never hides a change. The saved result names every input the
// Load read, each with what it gave: the content of every file read (spec
// files, -var-file files, files read by file, filesha256, templatefile),
// the entries of every directory listed (the spec directory, fileset's
// walks), whether each path stated exists and its type (reference images,
// outputs and their directories, fileexists), and every environment
// variable looked up (by a hash of its value). The -var and -var-file
// options, -provider, the spec directory and the pixform executable
// itself make the key. Every input is asked again and must give the same
// answer, by content rather than by timestamp; otherwise the spec is
// loaded in full. Only a Load without any diagnostic is saved, and none
// whose spec declares a sensitive variable (no trace of such a value is
// written), reads a symbolic link, or reads a file other than in full.
//
// cacheFile is a path on fs; it is written only when its directory
// exists, atomically, and any failure to read or write it only costs the
// reuse.
func LoadReusing(fs afero.Fs, dir string, opts LoadOptions, cacheFile string) (*Spec, hcl.Diagnostics) {
	key, ok := reuseKey(fs, dir, opts)
	if !ok {
		return Load(fs, dir, opts)
	}
	if s, ok := readReuse(fs, cacheFile, key, opts); ok {
		return s, nil
	}
	rec := newRecordFs(fs)
	env := &envRecord{seen: map[string]string{}}
	ropts := opts
	if opts.Env != nil {
		ropts.Env = func(name string) string {
			v := opts.Env(name)
			env.add(name, v)
			return v
		}
	}
	s, diags := Load(rec, dir, ropts)
	if len(diags) == 0 && s != nil {
		_ = writeReuse(fs, rec, env, cacheFile, key, s) // a cache: failing to write it costs only the reuse
	}
	return s, diags
}

// reuseVersion changes whenever the saved format does.
const reuseVersion = "pixform spec reuse 1"

// reuseKey is what, besides the recorded inputs, decides a Load: the
// options, the directory, the filesystem's kind and the running
// executable (another pixform may evaluate differently). It reports false
// when the executable cannot be identified: then nothing is reused.
func reuseKey(fs afero.Fs, dir string, opts LoadOptions) (string, bool) {
	exe, err := os.Executable()
	if err != nil {
		return "", false
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "", false
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%T\x00%s\x00%s\x00%d\x00%d\x00%q\x00%d", reuseVersion, fs, dir, exe, fi.Size(), fi.ModTime().UnixNano(), opts.Provider, len(opts.Vars))
	for _, v := range opts.Vars {
		fmt.Fprintf(h, "\x00%q", sha256.Sum256([]byte(v)))
	}
	fmt.Fprintf(h, "\x00%q\x00%v", opts.VarFiles, opts.Env == nil)
	return hex.EncodeToString(h.Sum(nil)), true
}

// envRecord records the environment variables a Load looks up.
type envRecord struct {
	mu   sync.Mutex
	seen map[string]string // name -> sha256 of the value
}

func (e *envRecord) add(name, value string) {
	sum := sha256.Sum256([]byte(value))
	e.mu.Lock()
	e.seen[name] = string(sum[:])
	e.mu.Unlock()
}

// reuseHeader is the first part of the cache file: enough to decide
// whether the saved spec may be reused.
type reuseHeader struct {
	Key    string
	Inputs []reuseInput
	Env    []reuseInput // Path is the variable's name
	Files  []string     // the names of Spec.Files, each a file whose content is an input
}

type reuseInput struct {
	Kind inputKind
	Path string
	Got  string
}

// reuseBody is the saved spec. Gob drops empty slices and maps; the flags
// tell which were empty rather than nil, so the spec comes back identical.
type reuseBody struct {
	Dir         string
	Providers   map[string]*Provider
	Assets      []reuseAsset
	Moved       []Moved
	EmptyMoved  bool
	EmptyAssets bool
}

type reuseAsset struct {
	A                                *Asset
	EmptyRefs, EmptyDeps, EmptyIgnor bool
}

// reuseMagic starts the cache file, followed by the CRC-32C of the rest.
const reuseMagic = "pixform-spec-reuse\n"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// writeReuse saves s, loaded through rec, for a later LoadReusing.
func writeReuse(fs afero.Fs, rec *recordFs, env *envRecord, cacheFile, key string, s *Spec) error {
	if _, err := fs.Stat(filepath.Dir(cacheFile)); err != nil {
		return err // no state directory yet: write nothing
	}
	if declaresSensitive(s) {
		return errors.New("the spec declares a sensitive variable")
	}
	if err := recordPaths(rec, s); err != nil {
		return err
	}
	if rec.tainted {
		return errors.New("the load read something it cannot check again")
	}
	hdr := reuseHeader{Key: key}
	for in, got := range rec.inputs {
		if in.Kind == inLstat && strings.HasPrefix(got, "type L") {
			return errors.New("the load went through a symbolic link")
		}
		hdr.Inputs = append(hdr.Inputs, reuseInput{in.Kind, in.Path, got})
	}
	sort.Slice(hdr.Inputs, func(i, j int) bool {
		a, b := hdr.Inputs[i], hdr.Inputs[j]
		return a.Path < b.Path || a.Path == b.Path && a.Kind < b.Kind
	})
	for name, sum := range env.seen {
		hdr.Env = append(hdr.Env, reuseInput{Path: name, Got: sum})
	}
	sort.Slice(hdr.Env, func(i, j int) bool { return hdr.Env[i].Path < hdr.Env[j].Path })
	for name := range s.Files {
		if _, ok := rec.inputs[input{inContent, name}]; !ok {
			return fmt.Errorf("the content of %s is not recorded", name)
		}
		hdr.Files = append(hdr.Files, name)
	}
	sort.Strings(hdr.Files)
	body := reuseBody{Dir: s.Dir, Providers: s.Providers, Moved: s.Moved, EmptyMoved: s.Moved != nil && len(s.Moved) == 0,
		EmptyAssets: s.Assets != nil && len(s.Assets) == 0}
	for _, a := range s.Assets {
		body.Assets = append(body.Assets, reuseAsset{A: a,
			EmptyRefs: a.Refs != nil && len(a.Refs) == 0, EmptyDeps: a.DependsOn != nil && len(a.DependsOn) == 0,
			EmptyIgnor: a.IgnoreChanges != nil && len(a.IgnoreChanges) == 0})
	}
	var buf bytes.Buffer
	buf.WriteString(reuseMagic)
	buf.Write(make([]byte, 4))
	enc := gob.NewEncoder(&buf)
	if err := enc.Encode(&hdr); err != nil {
		return err
	}
	if err := enc.Encode(&body); err != nil {
		return err
	}
	data := buf.Bytes()
	binary.BigEndian.PutUint32(data[len(reuseMagic):], crc32.Checksum(data[len(reuseMagic)+4:], castagnoli))
	// What comes back must be the spec itself, or it is not saved.
	if _, back, err := decodeReuse(data); err != nil || !sameSpec(s, back) {
		return errors.New("the spec does not survive the round trip")
	}
	f, err := afero.TempFile(fs, filepath.Dir(cacheFile), filepath.Base(cacheFile)+".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		fs.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		fs.Remove(f.Name())
		return err
	}
	if err := fs.Rename(f.Name(), cacheFile); err != nil {
		fs.Remove(f.Name())
		return err
	}
	return nil
}

// recordPaths records what the operating system's resolution of symbolic
// links (oslinks.go) read outside the filesystem: the type of each
// directory from the spec directory down to every output and reference
// file, and the entries of each directory that holds them.
func recordPaths(rec *recordFs, s *Spec) error {
	dirs := map[string]bool{}
	addDirs := func(rel string) {
		for d := path.Dir(rel); d != "." && d != "/" && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for _, a := range s.Assets {
		addDirs(a.Output)
		for _, r := range a.Refs {
			if r.Kind == RefFile {
				addDirs(r.Value)
			}
		}
	}
	// The paths the file functions confined (confine.go) were resolved
	// the same way: every path read below the spec directory.
	rec.mu.Lock()
	for in := range rec.inputs {
		rel, err := filepath.Rel(s.Dir, in.Path)
		if err != nil || filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		if in.Kind == inList || in.Kind == inNames {
			rel = filepath.Join(rel, "_") // the directory itself too
		}
		addDirs(filepath.ToSlash(rel))
	}
	rec.mu.Unlock()
	listed := []string{s.Dir} // the spec directory itself is not stated: it may be reached through a link
	for d := range dirs {
		listed = append(listed, filepath.Join(s.Dir, filepath.FromSlash(d)))
	}
	for i, p := range listed {
		if i > 0 {
			if _, _, err := rec.LstatIfPossible(p); err != nil && !errors.Is(err, iofs.ErrNotExist) {
				return err
			}
		}
		f, err := rec.Fs.Open(p)
		if errors.Is(err, iofs.ErrNotExist) {
			rec.record(input{inStat, p}, "missing")
			continue
		}
		if err != nil {
			return err
		}
		entries, err := listTyped(f)
		f.Close()
		if err != nil {
			return err
		}
		rec.record(input{inList, p}, listAnswer(slices.Clone(entries)))
		for _, e := range entries {
			if strings.HasSuffix(e, "\x00"+iofs.ModeSymlink.String()) {
				return fmt.Errorf("%s holds a symbolic link", p)
			}
		}
	}
	return nil
}

// declaresSensitive tells whether a variable block of the spec has a
// sensitive argument (whatever its value: the check errs on the safe side).
func declaresSensitive(s *Spec) bool {
	for _, f := range s.Files {
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			return true // a JSON -var-file: not worth reading closely
		}
		for _, b := range body.Blocks {
			if b.Type == "variable" && b.Body != nil && b.Body.Attributes["sensitive"] != nil {
				return true
			}
		}
	}
	return false
}

// sameSpec compares what the cache holds of two specs (not Files).
func sameSpec(a, b *Spec) bool {
	return a.Dir == b.Dir && reflect.DeepEqual(a.Providers, b.Providers) &&
		reflect.DeepEqual(a.Assets, b.Assets) && reflect.DeepEqual(a.Moved, b.Moved)
}

// decodeReuse reads a cache file.
func decodeReuse(data []byte) (*reuseHeader, *Spec, error) {
	dec, err := reuseDecoder(data)
	if err != nil {
		return nil, nil, err
	}
	var hdr reuseHeader
	if err := dec.Decode(&hdr); err != nil {
		return nil, nil, err
	}
	s, err := decodeBody(dec)
	return &hdr, s, err
}

func reuseDecoder(data []byte) (*gob.Decoder, error) {
	n := len(reuseMagic)
	if len(data) < n+4 || string(data[:n]) != reuseMagic ||
		binary.BigEndian.Uint32(data[n:]) != crc32.Checksum(data[n+4:], castagnoli) {
		return nil, errors.New("not a cache file, or a damaged one")
	}
	return gob.NewDecoder(bufio.NewReader(bytes.NewReader(data[n+4:]))), nil
}

func decodeBody(dec *gob.Decoder) (*Spec, error) {
	var body reuseBody
	if err := dec.Decode(&body); err != nil {
		return nil, err
	}
	s := &Spec{Dir: body.Dir, Providers: body.Providers, Moved: body.Moved, Files: map[string]*hcl.File{}}
	if s.Providers == nil {
		s.Providers = map[string]*Provider{}
	}
	if body.EmptyMoved {
		s.Moved = []Moved{}
	}
	if body.EmptyAssets {
		s.Assets = []*Asset{}
	}
	for _, ra := range body.Assets {
		a := ra.A
		if a == nil {
			return nil, errors.New("a nil asset")
		}
		if ra.EmptyRefs {
			a.Refs = []Ref{}
		}
		if ra.EmptyDeps {
			a.DependsOn = []string{}
		}
		if ra.EmptyIgnor {
			a.IgnoreChanges = []string{}
		}
		s.Assets = append(s.Assets, a)
	}
	return s, nil
}
