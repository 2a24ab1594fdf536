package spec

import (
	"crypto/md5"
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

// specPath turns a clean path relative to the spec directory into one for
// the filesystem. Paths written in the spec go through confine first.
func (l *loader) specPath(p string) string {
	return filepath.Join(l.dir, filepath.FromSlash(p))
}

func stringParam(name string) function.Parameter {
	return function.Parameter{Name: name, Type: cty.String}
}

// pathParam is the path parameter of a file function. It sees the marks of
// its argument, so that an error does not show a sensitive path; the
// function marks its result with them.
func pathParam(name string) function.Parameter {
	return function.Parameter{Name: name, Type: cty.String, AllowMarked: true}
}

// fileReader is a function of one path argument that reads the file's bytes
// and makes the result from them.
func (l *loader) fileReader(desc string, ret cty.Type, result func(b []byte, shown string) (cty.Value, error)) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params:      []function.Parameter{pathParam("path")},
		Type:        function.StaticReturnType(ret),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			pv, marks := args[0].Unmark()
			p := pv.AsString()
			b, err := l.readSpecFile(p, marks)
			if err != nil {
				return cty.UnknownVal(ret), err
			}
			v, err := result(b, shownPath(p, marks))
			if err != nil {
				return cty.UnknownVal(ret), err
			}
			return v.WithMarks(marks), nil
		},
	})
}

// SecretEnv are the environment variables that hold a provider's or a
// backend's credentials. env() refuses to read them, and any variable that
// holds the same value, so that a key never lands in a prompt, a plan or
// the state.
var SecretEnv = []string{"DEFAPI_API_KEY", "PIXFORM_PG_CONN"}

// secretEnvError is env() asked for a secret.
type secretEnvError struct {
	name, secret string // secret is the SecretEnv entry it is, or holds the value of
}

func (e *secretEnvError) Error() string {
	if strings.EqualFold(e.name, e.secret) {
		return fmt.Sprintf("%s holds a credential, which pixform never puts in a spec value (it would reach the prompt, the plan and the state); pixform reads it itself, so remove this call", e.secret)
	}
	return fmt.Sprintf("%s holds the same value as %s, a credential, which pixform never puts in a spec value (it would reach the prompt, the plan and the state); remove this call", e.name, e.secret)
}

func (e *secretEnvError) summary() string { return "Secret environment variable" }

// envFunc is env(name): the value of an environment variable, "" when
// unset. It refuses the variables of SecretEnv, and any holding their values.
func (l *loader) envFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Returns the value of an environment variable, or an empty string when it is not set.",
		Params:      []function.Parameter{stringParam("name")},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			name := args[0].AsString()
			for _, secret := range SecretEnv {
				if strings.EqualFold(name, secret) {
					return cty.UnknownVal(cty.String), &secretEnvError{name: name, secret: secret}
				}
			}
			if l.opts.Env == nil {
				return cty.StringVal(""), nil
			}
			v := l.opts.Env(name)
			for _, secret := range SecretEnv {
				if v != "" && v == l.opts.Env(secret) {
					return cty.UnknownVal(cty.String), &secretEnvError{name: name, secret: secret}
				}
			}
			return cty.StringVal(v), nil
		},
	})
}

// fileFunc is file(path): the contents of a UTF-8 text file.
func (l *loader) fileFunc() function.Function {
	return l.fileReader("Returns the contents of a text file, relative to the spec directory.", cty.String,
		func(b []byte, shown string) (cty.Value, error) {
			if !utf8.Valid(b) {
				return cty.NilVal, fmt.Errorf("%s is not UTF-8 text; use filesha256 to refer to a binary file", shown)
			}
			return cty.StringVal(string(b)), nil
		})
}

// fileSHA256Func is filesha256(path): the hex SHA-256 of a file's bytes.
func (l *loader) fileSHA256Func() function.Function {
	return l.fileReader("Returns the hexadecimal SHA-256 hash of a file's contents, relative to the spec directory.", cty.String,
		func(b []byte, _ string) (cty.Value, error) {
			sum := sha256.Sum256(b)
			return cty.StringVal(hex.EncodeToString(sum[:])), nil
		})
}

// fileMD5Func is filemd5(path): the hex MD5 of a file's bytes.
func (l *loader) fileMD5Func() function.Function {
	return l.fileReader("Returns the hexadecimal MD5 hash of a file's contents, relative to the spec directory.", cty.String,
		func(b []byte, _ string) (cty.Value, error) {
			sum := md5.Sum(b)
			return cty.StringVal(hex.EncodeToString(sum[:])), nil
		})
}

// fileExistsFunc is fileexists(path): whether a file exists. A directory
// is an error, as in Terraform; so is a path outside the spec directory.
func (l *loader) fileExistsFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Tells whether a file exists, relative to the spec directory.",
		Params:      []function.Parameter{pathParam("path")},
		Type:        function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			pv, marks := args[0].Unmark()
			_, fi, err := l.specFile(pv.AsString(), marks, false)
			if errors.Is(err, fs.ErrNotExist) {
				return cty.False.WithMarks(marks), nil
			}
			if err != nil {
				return cty.UnknownVal(cty.Bool), err
			}
			if fi.IsDir() {
				return cty.UnknownVal(cty.Bool), fmt.Errorf("%s is a directory, not a file", shownPath(pv.AsString(), marks))
			}
			return cty.True.WithMarks(marks), nil
		},
	})
}

// filesetFunc is fileset(dir, pattern): the files under dir matching
// pattern, as sorted slash paths relative to dir. In the pattern, * and ?
// match within one path segment and ** matches any number of segments.
func (l *loader) filesetFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Returns the set of files under a directory whose relative paths match a pattern.",
		Params:      []function.Parameter{pathParam("path"), pathParam("pattern")},
		Type:        function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			dv, marks := args[0].Unmark()
			pv, pmarks := args[1].Unmark()
			pattern := path.Clean(strings.TrimPrefix(pv.AsString(), "./"))
			if _, err := globMatch(pattern, ""); err != nil {
				return cty.UnknownVal(cty.Set(cty.String)), fmt.Errorf("invalid pattern %s: %w", shownPath(pv.AsString(), pmarks), err)
			}
			base, _, err := l.specFile(dv.AsString(), marks, true)
			if errors.Is(err, fs.ErrNotExist) {
				return cty.SetValEmpty(cty.String).WithMarks(marks, pmarks), nil
			}
			if err != nil {
				return cty.UnknownVal(cty.Set(cty.String)), err
			}
			var found []string
			// The trailing separator makes Walk follow base when it is a
			// link (confined to the spec directory above).
			err = afero.Walk(l.fs, base+string(filepath.Separator), func(p string, fi fs.FileInfo, err error) error {
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
				return cty.UnknownVal(cty.Set(cty.String)), fmt.Errorf("cannot list %s: %w", shownPath(dv.AsString(), marks), err)
			}
			if len(found) == 0 {
				return cty.SetValEmpty(cty.String).WithMarks(marks, pmarks), nil
			}
			sort.Strings(found)
			vals := make([]cty.Value, len(found))
			for i, f := range found {
				vals[i] = cty.StringVal(f)
			}
			return cty.SetVal(vals).WithMarks(marks, pmarks), nil
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
			pathParam("path"),
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			pv, marks := args[0].Unmark()
			p := pv.AsString()
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
			src, err := l.readSpecFile(p, marks)
			if err != nil {
				return cty.DynamicVal, err
			}
			if diags := checkSource(src, p); diags.HasErrors() {
				return cty.DynamicVal, diagsError(diags)
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
			return val.WithMarks(marks), nil
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
		if extra, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallDiagExtra](d); ok && extra.FunctionCallError() != nil && d.Subject != nil {
			var refused refusedCall // keep its kind, for reviseFunctionDiags
			if errors.As(extra.FunctionCallError(), &refused) {
				return fmt.Errorf("%s:%d: %w", d.Subject.Filename, d.Subject.Start.Line, refused)
			}
		}
		if d.Subject != nil {
			return fmt.Errorf("%s:%d: %s", d.Subject.Filename, d.Subject.Start.Line, msg)
		}
		return errors.New(msg)
	}
	return errors.New("invalid template")
}
