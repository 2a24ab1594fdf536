package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/spf13/afero"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// specPath turns a path written in the spec, relative to the spec directory
// unless absolute, into one for the filesystem.
func (l *loader) specPath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(l.dir, filepath.FromSlash(p))
}

func (l *loader) readSpecFile(p string) ([]byte, error) {
	b, err := afero.ReadFile(l.fs, l.specPath(p))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no file exists at %q (paths are relative to the spec directory)", p)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", p, err)
	}
	return b, nil
}

func stringParam(name string) function.Parameter {
	return function.Parameter{Name: name, Type: cty.String}
}

// envFunc is env(name): the value of an environment variable, "" when unset.
func (l *loader) envFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Returns the value of an environment variable, or an empty string when it is not set.",
		Params:      []function.Parameter{stringParam("name")},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if l.opts.Env == nil {
				return cty.StringVal(""), nil
			}
			return cty.StringVal(l.opts.Env(args[0].AsString())), nil
		},
	})
}

// fileFunc is file(path): the contents of a UTF-8 text file.
func (l *loader) fileFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Returns the contents of a text file, relative to the spec directory.",
		Params:      []function.Parameter{stringParam("path")},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := l.readSpecFile(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			if !utf8.Valid(b) {
				return cty.UnknownVal(cty.String), fmt.Errorf("%q is not UTF-8 text; use filesha256 to refer to a binary file", args[0].AsString())
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

// fileSHA256Func is filesha256(path): the hex SHA-256 of a file's bytes.
func (l *loader) fileSHA256Func() function.Function {
	return function.New(&function.Spec{
		Description: "Returns the hexadecimal SHA-256 hash of a file's contents, relative to the spec directory.",
		Params:      []function.Parameter{stringParam("path")},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := l.readSpecFile(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			sum := sha256.Sum256(b)
			return cty.StringVal(hex.EncodeToString(sum[:])), nil
		},
	})
}

// fileExistsFunc is fileexists(path): whether a file exists. A directory
// is an error, as in Terraform.
func (l *loader) fileExistsFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Tells whether a file exists, relative to the spec directory.",
		Params:      []function.Parameter{stringParam("path")},
		Type:        function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			fi, err := l.fs.Stat(l.specPath(args[0].AsString()))
			if errors.Is(err, fs.ErrNotExist) {
				return cty.False, nil
			}
			if err != nil {
				return cty.UnknownVal(cty.Bool), fmt.Errorf("cannot check %q: %w", args[0].AsString(), err)
			}
			if fi.IsDir() {
				return cty.UnknownVal(cty.Bool), fmt.Errorf("%q is a directory, not a file", args[0].AsString())
			}
			return cty.True, nil
		},
	})
}

// filesetFunc is fileset(dir, pattern): the files under dir matching
// pattern, as sorted slash paths relative to dir. In the pattern, * and ?
// match within one path segment and ** matches any number of segments.
func (l *loader) filesetFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Returns the set of files under a directory whose relative paths match a pattern.",
		Params:      []function.Parameter{stringParam("path"), stringParam("pattern")},
		Type:        function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			pattern := path.Clean(strings.TrimPrefix(args[1].AsString(), "./"))
			if _, err := globMatch(pattern, ""); err != nil {
				return cty.UnknownVal(cty.Set(cty.String)), fmt.Errorf("invalid pattern %q: %w", args[1].AsString(), err)
			}
			base := l.specPath(args[0].AsString())
			var found []string
			err := afero.Walk(l.fs, base, func(p string, fi fs.FileInfo, err error) error {
				if err != nil {
					if errors.Is(err, fs.ErrNotExist) {
						return nil
					}
					return err
				}
				if fi.IsDir() {
					return nil
				}
				rel, err := filepath.Rel(base, p)
				if err != nil {
					return err
				}
				rel = filepath.ToSlash(rel)
				if ok, _ := globMatch(pattern, rel); ok {
					found = append(found, rel)
				}
				return nil
			})
			if err != nil {
				return cty.UnknownVal(cty.Set(cty.String)), fmt.Errorf("cannot list %q: %w", args[0].AsString(), err)
			}
			if len(found) == 0 {
				return cty.SetValEmpty(cty.String), nil
			}
			sort.Strings(found)
			vals := make([]cty.Value, len(found))
			for i, f := range found {
				vals[i] = cty.StringVal(f)
			}
			return cty.SetVal(vals), nil
		},
	})
}

// globMatch matches a slash path against a pattern of path.Match segments
// in which a ** segment matches any number of segments.
func globMatch(pattern, name string) (bool, error) {
	var pat []string
	for _, seg := range strings.Split(pattern, "/") {
		if seg == "**" && len(pat) > 0 && pat[len(pat)-1] == "**" {
			continue
		}
		if seg != "**" {
			if _, err := path.Match(seg, ""); err != nil {
				return false, err
			}
		}
		pat = append(pat, seg)
	}
	if name == "" {
		return false, nil
	}
	return matchSegments(pat, strings.Split(name, "/")), nil
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchSegments(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// templatefileFunc is templatefile(path, vars): a file read as an HCL
// template and rendered with vars, which may call every function but
// templatefile itself.
func (l *loader) templatefileFunc(funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Description: "Renders a template file, relative to the spec directory, with the given variables.",
		Params: []function.Parameter{
			stringParam("path"),
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			vars := args[1]
			if !vars.IsWhollyKnown() {
				return cty.DynamicVal, nil
			}
			ty := vars.Type()
			if !ty.IsMapType() && !ty.IsObjectType() {
				return cty.DynamicVal, fmt.Errorf("the vars argument must be a map or an object, not %s", ty.FriendlyName())
			}
			ctxVars := map[string]cty.Value{}
			for it := vars.ElementIterator(); it.Next(); {
				k, v := it.Element()
				if !hclsyntax.ValidIdentifier(k.AsString()) {
					return cty.DynamicVal, fmt.Errorf("invalid template variable name %q: it must be a letter followed by letters, digits, underscores or dashes", k.AsString())
				}
				ctxVars[k.AsString()] = v
			}
			src, err := l.readSpecFile(p)
			if err != nil {
				return cty.DynamicVal, err
			}
			expr, diags := hclsyntax.ParseTemplate(src, p, hcl.InitialPos)
			if diags.HasErrors() {
				return cty.DynamicVal, diagsError(diags)
			}
			for _, trav := range expr.Variables() {
				if _, ok := ctxVars[trav.RootName()]; !ok {
					rng := trav.SourceRange()
					return cty.DynamicVal, fmt.Errorf("%s:%d: the template refers to %q, which the vars argument does not define", p, rng.Start.Line, trav.RootName())
				}
			}
			val, diags := expr.Value(&hcl.EvalContext{Variables: ctxVars, Functions: funcs})
			if diags.HasErrors() {
				return cty.DynamicVal, diagsError(diags)
			}
			return val, nil
		},
	})
}

// diagsError turns the first error of diags into an error for a function's
// caller.
func diagsError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			return fmt.Errorf("%s:%d: %s", d.Subject.Filename, d.Subject.Start.Line, msg)
		}
		return errors.New(msg)
	}
	return errors.New("invalid template")
}
