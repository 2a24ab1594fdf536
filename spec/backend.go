package spec

import (
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/afero"
	"github.com/zclconf/go-cty/cty"
)

// BackendPG is the type of the PostgreSQL backend block.
const BackendPG = "pg"

// EnvPGConn names the environment variable that holds the PostgreSQL
// connection string: never the spec, which is committed.
const EnvPGConn = "PIXFORM_PG_CONN"

// Backend is the backend block of the pixform block (pixform { backend
// "pg" { schema = "..." } }): where state, lock and store live. A spec
// without one keeps them in the local directory, .pixform/.
type Backend struct {
	Type   string // BackendPG
	Schema string // "" means the backend's default
	Range  hcl.Range
}

var pixformSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "backend", LabelNames: []string{"type"}}},
}

// schemaName is what a schema argument may be: a plain PostgreSQL
// identifier, so that it needs no quoting anywhere.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// secretArg tells an argument that would put a connection string or a
// secret in the spec.
func secretArg(name string) bool {
	for _, w := range []string{"conn", "password", "url", "dsn", "host", "user", "port", "database", "dbname"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// decodeBackend reads the pixform blocks: at most one, with at most one
// backend block, whose arguments are literal (a backend is chosen before
// variables have values, as Terraform's is).
func (l *loader) decodeBackend() {
	blocks := l.blocks["pixform"]
	for i, pb := range blocks {
		if i > 0 {
			l.errorf(pb.DefRange.Ptr(), "Duplicate pixform block",
				"A spec has at most one pixform block; the first is at %s. Merge them.", blocks[0].DefRange)
		}
		content, diags := pb.Body.Content(pixformSchema)
		l.diags = append(l.diags, diags...)
		for j, b := range content.Blocks {
			if j > 0 {
				l.errorf(b.DefRange.Ptr(), "Duplicate backend block",
					"The pixform block has at most one backend block; the first is at %s.", content.Blocks[0].DefRange)
			}
			l.decodeBackendBlock(b, i == 0 && j == 0)
		}
	}
}

// decodeBackendBlock checks b, and makes it the spec's backend when first
// (the others are errors already, but their arguments are checked too).
func (l *loader) decodeBackendBlock(b *hcl.Block, first bool) {
	typ := b.Labels[0]
	if typ != BackendPG && typ != "local" {
		l.errorf(b.LabelRanges[0].Ptr(), "Unsupported backend",
			"pixform has no backend %q. The backends are \"pg\" (PostgreSQL; the connection string comes from %s) and \"local\" (the default: the .pixform directory).", typ, EnvPGConn)
		return
	}
	attrs, diags := b.Body.JustAttributes()
	l.diags = append(l.diags, diags...)
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	be := &Backend{Type: typ, Range: b.DefRange}
	for _, name := range names {
		a := attrs[name]
		switch {
		case typ == BackendPG && name == "schema":
			be.Schema, _ = l.literalString(a)
			if be.Schema != "" && !schemaName.MatchString(be.Schema) {
				l.errorf(a.Expr.Range().Ptr(), "Invalid schema name",
					"The schema %q is not a plain PostgreSQL name: use lower-case letters, digits and underscores, starting with a letter or underscore, at most 63 characters.", be.Schema)
			}
		case secretArg(name):
			// No Subject: the diagnostic would print the source line, and
			// with it the password, into a terminal or a CI log.
			l.errorf(nil, "Connection settings in a spec file",
				"The argument %s at %s:%d would put the connection to PostgreSQL, and perhaps its password, in a spec file, which is committed with the project. Remove it and set the environment variable %s to a libpq URL (postgres://user:password@host/db) or key=value string instead.",
				name, a.NameRange.Filename, a.NameRange.Start.Line, EnvPGConn)
		default:
			l.errorf(a.NameRange.Ptr(), "Unsupported argument",
				"The %q backend has no argument %q.%s", typ, name, map[bool]string{true: " Its one argument is schema.", false: " It takes no arguments."}[typ == BackendPG])
		}
	}
	if typ == BackendPG && first {
		l.spec.Backend = be
	}
}

// literalString evaluates a to a string without variables or functions.
func (l *loader) literalString(a *hcl.Attribute) (string, bool) {
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		l.errorf(a.Expr.Range().Ptr(), "Backend arguments must be literal",
			"The arguments of a backend are read before variables have values: write %s as a literal string.", a.Name)
		return "", false
	}
	if v.IsNull() || !v.Type().Equals(cty.String) {
		l.errorf(a.Expr.Range().Ptr(), "Invalid argument", "%s must be a string.", a.Name)
		return "", false
	}
	return v.AsString(), true
}

// ReadBackend reads only the backend of the spec in dir, without
// evaluating anything else: commands that read the state without a spec
// (show, state list) need to know where it is. Its arguments are literal,
// so no variable is needed. It returns nil for the local directory.
func ReadBackend(fs afero.Fs, dir string) (*Backend, hcl.Diagnostics) {
	l := &loader{fs: fs, dir: dir, spec: &Spec{Dir: dir, Files: map[string]*hcl.File{}}, blocks: map[string][]*hcl.Block{}}
	if !l.readFiles() {
		return nil, nil // no spec: the local directory, as before
	}
	l.decodeBackend()
	return l.spec.Backend, l.diags
}
