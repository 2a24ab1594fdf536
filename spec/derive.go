package spec

import (
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// DeriveProvider is the Provider of a derive's asset, and DeriveModel the
// model its records name: a derive is built on this machine, not generated.
const (
	DeriveProvider = "derive"
	DeriveModel    = "derive"
)

// Derive is what a derive block makes of one instance: its source (another
// asset's output) put through operations and encoded. The values are plain
// data as written; the derive package checks them (sizes, fits, formats,
// qualities) and describes them, through the caller (the CLI), since spec
// imports none of pixform's packages.
type Derive struct {
	Source   string // the address of the asset whose output it reads
	Ops      []DeriveOp
	Format   string // png, jpeg or webp; from the output's extension when not written
	Quality  int    // 0: the format's default
	Lossless bool   // webp only

	FormatRange, QualityRange hcl.Range // where format and quality are written (or the block)

	// Describe is the canonical text of the operations and encoding, with
	// the encoder's version: what the fingerprint hashes besides the
	// source. The caller fills it (derive.Describe) after Load.
	Describe string
}

// DeriveOp is one operation block of a derive, in the order written.
type DeriveOp struct {
	Kind                     string // resize, crop, trim or pad
	Width, Height            int    // resize (0: keep the aspect ratio), crop
	Fit, Filter              string // resize
	X, Y                     int    // crop
	Center                   bool   // crop around the centre
	Threshold                int    // trim: alpha at most this counts as transparent
	Top, Right, Bottom, Left int    // pad
	Color                    string // pad: "#rrggbb", "#rrggbbaa" or "" (transparent)
	Range                    hcl.Range
}

var deriveSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "source", Required: true},
		{Name: "output", Required: true},
		{Name: "format"},
		{Name: "quality"},
		{Name: "lossless"},
		{Name: "for_each"},
		{Name: "count"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "resize"}, {Type: "crop"}, {Type: "trim"}, {Type: "pad"}, {Type: "check"}},
}

// opSchemas are the arguments of each operation block; each is an integer
// unless named in opStrings or opBools.
var opSchemas = map[string][]string{
	"resize": {"width", "height", "fit", "filter"},
	"crop":   {"x", "y", "width", "height", "center"},
	"trim":   {"threshold"},
	"pad":    {"all", "top", "right", "bottom", "left", "color"},
}

var (
	opStrings = []string{"fit", "filter", "color"}
	opBools   = []string{"center"}
)

// deriveExts are the output extensions a derive may write, with their format.
var deriveExts = map[string]string{".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp"}

// deriveBlock is a derive block as written.
type deriveBlock struct {
	ib  *imageBlock // name, block, attrs, for_each, count, scope
	ops []*hcl.Block
}

// declareDerives decodes the derive blocks without evaluating anything.
func (l *loader) declareDerives() {
	for _, b := range l.blocks["derive"] {
		name := b.Labels[0]
		content, diags := b.Body.Content(deriveSchema)
		l.diags = append(l.diags, diags...)
		if !hclsyntax.ValidIdentifier(name) {
			l.errorf(b.LabelRanges[0].Ptr(), "Invalid derive name",
				"%q is not a valid derive name: use a letter followed by letters, digits, underscores or dashes.", name)
			continue
		}
		if prev := l.derives[name]; prev != nil {
			l.errorf(b.DefRange.Ptr(), "Duplicate derive block",
				"A derive named %q was already declared at %s. Derive names must be unique in the spec; rename or remove one.", name, at(prev.ib.block.DefRange))
			continue
		}
		ib := &imageBlock{name: name, block: b, attrs: content.Attributes, ok: !diags.HasErrors(), checks: content.Blocks.OfType("check")}
		ib.forEach, ib.count = content.Attributes["for_each"], content.Attributes["count"]
		ib.sc = scope{locals: true, images: true, derives: true, each: ib.forEach != nil, count: ib.count != nil}
		if ib.forEach != nil && ib.count != nil {
			l.errorf(ib.forEach.Expr.Range().Ptr(), `Invalid combination of "count" and "for_each"`,
				`The "count" and "for_each" arguments cannot both be set in one derive block: use for_each to make one output per key, or count to make a number of them.`)
			ib.ok = false
		}
		db := &deriveBlock{ib: ib}
		for _, ob := range content.Blocks {
			if ob.Type != "check" {
				db.ops = append(db.ops, ob)
			}
		}
		l.derives[name] = db
	}
}

// blockExprs are the expressions of a derive block, its operations' included.
func (db *deriveBlock) exprs() []hcl.Expression {
	var out []hcl.Expression
	for _, a := range sortedAttrs(db.ib.attrs) {
		out = append(out, a.Expr)
	}
	for _, b := range slices.Concat(db.ops, db.ib.checks) {
		attrs, _ := b.Body.JustAttributes()
		for _, a := range sortedAttrs(attrs) {
			out = append(out, a.Expr)
		}
	}
	return out
}

// evaluateDerives evaluates the derive blocks after the images, each after
// the derives it refers to; a cycle among them is an error.
func (l *loader) evaluateDerives() {
	names := make([]string, 0, len(l.derives))
	for name := range l.derives {
		names = append(names, name)
	}
	sort.Strings(names)
	state := map[string]int{} // 1: evaluating, 2: done
	var visit func(name string, from hcl.Range)
	visit = func(name string, from hcl.Range) {
		db := l.derives[name]
		switch state[name] {
		case 1:
			l.errorf(from.Ptr(), "Cycle among derives",
				"The derive %q refers, directly or through others, to itself. A derive's source must be an image or another derive that does not depend on it.", name)
			return
		case 2:
			return
		}
		state[name] = 1
		for _, e := range db.exprs() {
			for _, trav := range e.Variables() {
				if trav.RootName() != "derive" || len(trav) < 2 {
					continue
				}
				if attr, ok := trav[1].(hcl.TraverseAttr); ok && l.derives[attr.Name] != nil {
					visit(attr.Name, trav.SourceRange())
				}
			}
		}
		state[name] = 2
		l.evalDerive(db)
	}
	for _, name := range names {
		visit(name, l.derives[name].ib.block.DefRange)
	}
}

// evalDerive expands a derive block into its instances and records the
// value derive.NAME has in later expressions.
func (l *loader) evalDerive(db *deriveBlock) {
	ib := db.ib
	key := "derive." + ib.name
	defer func() {
		if _, ok := l.values[key]; !ok {
			l.values[key] = cty.DynamicVal // failed, and said so
		}
	}()
	if !ib.ok {
		return
	}
	var deps []nodeRef
	for _, e := range db.exprs() {
		sc := ib.sc
		if (ib.forEach != nil && e == ib.forEach.Expr) || (ib.count != nil && e == ib.count.Expr) {
			sc = scope{locals: true, images: true, derives: true}
		}
		l.diags = append(l.diags, l.checkRefs(e, sc)...)
		deps = append(deps, refs(e)...)
	}
	derives := map[string]cty.Value{}
	for name := range l.derives {
		if v, ok := l.values["derive."+name]; ok {
			derives[name] = v
		}
	}
	ctx := l.ctx(deps, map[string]cty.Value{"derive": cty.ObjectVal(derives)})
	l.instances[key] = []string{}
	switch {
	case ib.forEach != nil:
		v, ok := l.eval(ib.forEach.Expr, ctx, scope{locals: true, images: true, derives: true})
		if !ok {
			return
		}
		items, ok := l.forEachItems(ib.forEach, v)
		if !ok {
			return
		}
		objs := map[string]cty.Value{}
		for _, it := range items {
			each := cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(it.key), "value": it.value})
			objs[it.key] = l.evalDeriveInstance(db, childCtx(ctx, "each", each), quoteKey(it.key))
		}
		if len(objs) == 0 {
			l.values[key] = cty.MapValEmpty(deriveType)
		} else {
			l.values[key] = cty.ObjectVal(objs)
		}
	case ib.count != nil:
		v, ok := l.eval(ib.count.Expr, ctx, scope{locals: true, images: true, derives: true})
		if !ok {
			return
		}
		n, ok := l.countValue(ib.count, v)
		if !ok {
			return
		}
		objs := make([]cty.Value, n)
		for i := range objs {
			c := cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(i))})
			objs[i] = l.evalDeriveInstance(db, childCtx(ctx, "count", c), itoa(i))
		}
		l.values[key] = cty.TupleVal(objs)
	default:
		l.values[key] = l.evalDeriveInstance(db, ctx, "")
	}
}

// deriveType is the type of derive.NAME (or of one of its instances).
var deriveType = cty.Object(map[string]cty.Type{"output": cty.String, "addr": cty.String})

// evalDeriveInstance evaluates one instance of a derive block and returns
// its value for expressions: {output, addr}.
func (l *loader) evalDeriveInstance(db *deriveBlock, ctx *hcl.EvalContext, key string) cty.Value {
	ib := db.ib
	addr := "derive." + ib.name
	if key != "" {
		addr += "[" + key + "]"
	}
	l.instances["derive."+ib.name] = append(l.instances["derive."+ib.name], addr)
	d := &Derive{FormatRange: ib.block.DefRange, QualityRange: ib.block.DefRange}
	a := &Asset{Addr: addr, Name: ib.name, Key: key, Provider: DeriveProvider, Model: DeriveModel, Derive: d, DeclRange: ib.block.DefRange}
	p := &pendingAsset{asset: a, block: ib, ok: true}
	l.pending = append(l.pending, p)
	str := func(name string) (string, bool) {
		s, _, ok, sensitive := l.evalStringSensitive(ib.attrs[name], ctx, ib.sc)
		if sensitive {
			l.errorf(ib.attrs[name].Expr.Range().Ptr(), "Sensitive value in "+name,
				"The %s of a derive derives from a sensitive variable, but pixform prints it in plans and records it in the lockfile. Leave the variable out.", name)
			ok = false
		}
		p.ok = p.ok && ok
		return s, ok
	}
	source, sourceOK := str("source")
	if sourceOK && ib.attrs["source"] != nil {
		p.images = []string{source}
	} else {
		p.ok = false
	}
	output, ok := str("output")
	if ok && ib.attrs["output"] != nil {
		a.Output, ok = l.checkOutputPath(ib.attrs["output"], output)
		p.outputOK, p.ok = ok, p.ok && ok
	} else {
		p.ok = false
	}
	ext := strings.ToLower(path.Ext(a.Output))
	if format, ok := str("format"); ok && format != "" {
		d.Format = strings.ToLower(format)
		d.FormatRange = ib.attrs["format"].Expr.Range()
		if d.Format == "jpg" {
			d.Format = "jpeg"
		}
	} else if ok && p.outputOK {
		d.Format = deriveExts[ext]
		if d.Format == "" {
			l.errorf(ib.attrs["output"].Expr.Range().Ptr(), "Unknown derive format",
				"The output %q does not end in .png, .jpg, .jpeg or .webp, and the derive names no format. Give the output one of those extensions, or set format.", a.Output)
			p.ok = false
		}
	}
	if p.outputOK && d.Format != "" && ib.attrs["format"] != nil && deriveExts[ext] != "" && deriveExts[ext] != d.Format {
		l.errorf(ib.attrs["output"].Expr.Range().Ptr(), "Output extension does not match format",
			"The derive writes %s, but its output %q ends in %s. Name the output with the format's extension, so that browsers and engines read it right.", d.Format, a.Output, ext)
		p.ok = false
	}
	if attr := ib.attrs["quality"]; attr != nil {
		d.QualityRange = attr.Expr.Range()
		d.Quality, ok = l.intArg(attr, ctx, ib.sc)
		p.ok = p.ok && ok
	}
	if attr := ib.attrs["lossless"]; attr != nil {
		d.Lossless, ok = l.boolArg(attr, ctx, ib.sc)
		p.ok = p.ok && ok
	}
	for _, b := range db.ops {
		op, ok := l.evalOp(b, ctx, ib.sc)
		p.ok = p.ok && ok
		d.Ops = append(d.Ops, op)
	}
	if c, ok := l.evalChecks(ib.checks, ctx, ib.sc); c != nil {
		a.Check, p.ok = c, p.ok && ok
	}
	out := cty.UnknownVal(cty.String)
	if p.outputOK {
		out = cty.StringVal(a.Output)
	}
	return cty.ObjectVal(map[string]cty.Value{"output": out, "addr": cty.StringVal(addr)})
}

// evalOp evaluates one operation block.
func (l *loader) evalOp(b *hcl.Block, ctx *hcl.EvalContext, sc scope) (DeriveOp, bool) {
	op := DeriveOp{Kind: b.Type, Range: b.DefRange}
	var schema hcl.BodySchema
	for _, n := range opSchemas[b.Type] {
		schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: n})
	}
	content, diags := b.Body.Content(&schema)
	l.diags = append(l.diags, diags...)
	ok := !diags.HasErrors()
	ints := map[string]*int{"width": &op.Width, "height": &op.Height, "x": &op.X, "y": &op.Y, "threshold": &op.Threshold,
		"top": &op.Top, "right": &op.Right, "bottom": &op.Bottom, "left": &op.Left}
	for _, name := range opSchemas[b.Type] {
		attr := content.Attributes[name]
		if attr == nil {
			continue
		}
		switch {
		case slices.Contains(opStrings, name):
			s, good := l.evalString(attr, ctx, sc)
			ok = ok && good
			switch name {
			case "fit":
				op.Fit = s
			case "filter":
				op.Filter = s
			case "color":
				op.Color = s
			}
		case slices.Contains(opBools, name):
			v, good := l.boolArg(attr, ctx, sc)
			op.Center, ok = v, ok && good
		case name == "all":
			n, good := l.intArg(attr, ctx, sc)
			op.Top, op.Right, op.Bottom, op.Left = n, n, n, n
			ok = ok && good
		default:
			n, good := l.intArg(attr, ctx, sc)
			*ints[name], ok = n, ok && good
		}
	}
	if b.Type == "crop" && op.Center && (content.Attributes["x"] != nil || content.Attributes["y"] != nil) {
		l.errorf(b.DefRange.Ptr(), "Centred crop with a position",
			"A crop with center = true takes no x or y: remove them, or the centring.")
		ok = false
	}
	return op, ok
}

// intArg evaluates a whole-number argument.
func (l *loader) intArg(attr *hcl.Attribute, ctx *hcl.EvalContext, sc scope) (int, bool) {
	v, ok := l.eval(attr.Expr, ctx, sc)
	if !ok {
		return 0, false
	}
	n, ok := l.countLike(attr, v)
	return n, ok
}

// countLike reads a whole number (negative ones too: the derive package
// says what range each takes).
func (l *loader) countLike(attr *hcl.Attribute, v cty.Value) (int, bool) {
	if v.Type() == cty.String {
		l.errorf(attr.Expr.Range().Ptr(), "Incorrect attribute value type",
			"The argument %q must be a whole number, but this is a string. Write it without quotes, or convert it with tonumber.", attr.Name)
		return 0, false
	}
	if v.IsNull() || v.Type() != cty.Number {
		l.errorf(attr.Expr.Range().Ptr(), "Incorrect attribute value type",
			"The argument %q must be a whole number, but this is %s.", attr.Name, friendly(v))
		return 0, false
	}
	bf := v.AsBigFloat()
	i, _ := bf.Int64()
	if !bf.IsInt() || i < -1<<30 || i > 1<<30 {
		l.errorf(attr.Expr.Range().Ptr(), "Invalid number",
			"The argument %q must be a whole number, but this is %s.", attr.Name, bf.Text('g', 10))
		return 0, false
	}
	return int(i), true
}

// boolArg evaluates a bool argument.
func (l *loader) boolArg(attr *hcl.Attribute, ctx *hcl.EvalContext, sc scope) (bool, bool) {
	v, ok := l.eval(attr.Expr, ctx, sc)
	if !ok {
		return false, false
	}
	if v.IsNull() || v.Type() != cty.Bool {
		l.errorf(attr.Expr.Range().Ptr(), "Incorrect attribute value type",
			"The argument %q must be true or false, but this is %s.", attr.Name, friendly(v))
		return false, false
	}
	return v.True(), true
}

// resolveSource turns a derive's source, an output path, into the address
// of the image or derive that writes it.
func (l *loader) resolveSource(p *pendingAsset) {
	attr := p.block.attrs["source"]
	if attr == nil || len(p.images) == 0 {
		return
	}
	src := p.images[0]
	c, problem := cleanRel(src)
	addr, ok := l.outputs[c]
	switch {
	case problem != pathOK || !ok:
		l.errorf(attr.Expr.Range().Ptr(), "Derive source is not an output",
			"The source %q is not the output of an image or derive of this spec. Name one, like source = image.logo.output or source = derive.small[\"640\"].output.", src)
		p.ok = false
		return
	case addr == p.asset.Addr:
		l.errorf(attr.Expr.Range().Ptr(), "Derive reads its own output",
			"The derive %s names its own output %q as its source. Name the image or derive it is made from.", addr, c)
		p.ok = false
		return
	}
	p.asset.Refs = []Ref{{Kind: RefAsset, Value: c, Addr: addr}}
	p.asset.Derive.Source = addr
	p.asset.DependsOn = []string{addr}
}

func (l *loader) deriveNames() []string {
	out := make([]string, 0, len(l.derives))
	for name := range l.derives {
		out = append(out, name)
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
