package spec

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// pendingAsset is an evaluated instance waiting for what needs every
// instance: outputs, references, providers and dependencies.
type pendingAsset struct {
	asset          *Asset
	block          *imageBlock
	ok             bool // every argument evaluated and valid
	outputOK       bool
	provider       string // as written; "" when the block names none
	providerFailed bool
	images         []string
}

// evalInstance evaluates the arguments of one instance of an image block
// in ctx (with count or each, see childCtx) and returns the attributes of
// its value for expressions: {output, prompt, model, addr}.
func (l *loader) evalInstance(ib *imageBlock, ctx *hcl.EvalContext, key string) map[string]cty.Value {
	addr := "image." + ib.name
	if key != "" {
		addr += "[" + key + "]"
	}
	l.instances[ib.name] = append(l.instances[ib.name], addr)
	a := &Asset{
		Addr:              addr,
		Name:              ib.name,
		Key:               key,
		Model:             DefaultModel,
		IgnoreChanges:     append([]string(nil), ib.ignoreChanges...),
		PreventRegenerate: ib.preventRegenerate,
		DeclRange:         ib.block.DefRange,
	}
	p := &pendingAsset{asset: a, block: ib, ok: true}
	l.pending = append(l.pending, p)
	// notSensitive refuses a sensitive value in any argument but prompt:
	// outputs, models, references and the rest are printed and committed.
	notSensitive := func(name string, sensitive bool) bool {
		if sensitive {
			l.errorf(ib.attrs[name].Expr.Range().Ptr(), "Sensitive value in "+name,
				"The %s derives from a sensitive variable, but pixform prints the %s in plans and records it in the lockfile, which you commit. Only prompt may use a sensitive value: leave the variable out of %s.", name, name, name)
			p.ok = false
		}
		return !sensitive
	}
	str := func(name string) (string, bool) {
		s, _, ok, sensitive := l.evalStringSensitive(ib.attrs[name], ctx, ib.sc)
		ok = ok && notSensitive(name, sensitive)
		p.ok = p.ok && ok
		return s, ok
	}
	obj := map[string]cty.Value{"addr": cty.StringVal(addr)}
	marked := map[string]bool{} // arguments that derive from a sensitive variable
	known := func(name, s string, ok bool) {
		if ok {
			obj[name] = cty.StringVal(s)
		} else {
			obj[name] = cty.UnknownVal(cty.String)
		}
		if marked[name] { // image.NAME.prompt stays sensitive
			obj[name] = obj[name].Mark(sensitiveMark)
		}
	}
	strMarked := func(name string) (s string, set, ok bool) {
		s, set, ok, marked[name] = l.evalStringSensitive(ib.attrs[name], ctx, ib.sc)
		if name != "prompt" && ok && !notSensitive(name, marked[name]) {
			return "", false, false
		}
		return s, set, ok
	}

	prompt, _, ok := strMarked("prompt")
	p.ok = p.ok && ok
	a.Sensitive = marked["prompt"]
	if ok && !utf8.ValidString(prompt) {
		l.errorf(ib.attrs["prompt"].Expr.Range().Ptr(), "Prompt not UTF-8",
			"The prompt holds bytes that are not UTF-8 text, which the service cannot take. Check where it comes from (a variable, the environment) and give it as UTF-8.")
		ok, p.ok = false, false
	} else if ok && ib.attrs["prompt"] != nil && strings.TrimSpace(prompt) == "" {
		l.errorf(ib.attrs["prompt"].Expr.Range().Ptr(), "Empty prompt",
			"The prompt is empty. Describe the image to generate.")
		ok, p.ok = false, false
	}
	a.Prompt = prompt
	known("prompt", prompt, ok && ib.attrs["prompt"] != nil)
	if a.Sensitive && slices.Contains(ib.ignoreChanges, "prompt") {
		l.errorf(ib.attrs["prompt"].Expr.Range().Ptr(), "Sensitive prompt in ignore_changes",
			"The prompt of %s derives from a sensitive variable, and lifecycle.ignore_changes keeps it: to keep a prompt, pixform records it in the lockfile, which you commit. Remove prompt from ignore_changes, or leave the variable out of the prompt.", addr)
		p.ok = false
	}

	model, set, ok := strMarked("model")
	p.ok = p.ok && ok
	if ok && model != "" {
		a.Model = model
		l.checkModel(ib.attrs["model"], model)
	} else if ok && set {
		l.errorf(ib.attrs["model"].Expr.Range().Ptr(), "Empty model",
			"The model is empty. Name a model, like %q, or remove the argument to use that default.", DefaultModel)
		ok, p.ok = false, false
	}
	known("model", a.Model, ok)

	output, _, ok := strMarked("output")
	p.ok = p.ok && ok
	if ok && ib.attrs["output"] != nil {
		a.Output, ok = l.checkOutput(ib.attrs["output"], output)
		p.outputOK = ok
		p.ok = p.ok && ok
	}
	known("output", a.Output, p.outputOK)

	if ib.attrs["prompt"] == nil || ib.attrs["output"] == nil {
		p.ok = false // hcl reported the missing argument
	}

	p.images = l.evalImages(ib, ctx)
	if s, ok := str("aspect_ratio"); ok && s != "" {
		a.AspectRatio = s
		p.ok = l.checkEnum(ib.attrs["aspect_ratio"], s, AspectRatios) && p.ok
	}
	if s, ok := str("image_size"); ok && s != "" {
		s = strings.ToLower(s) // the service takes any case: one spelling keeps the fingerprint stable
		a.ImageSize = s
		p.ok = l.checkEnum(ib.attrs["image_size"], s, ImageSizes) && p.ok
	}
	if s, ok := str("callback_url"); ok && s != "" {
		a.CallbackURL = s
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			l.errorf(ib.attrs["callback_url"].Expr.Range().Ptr(), "Invalid callback_url",
				"The callback_url %q is not an http or https URL. The service POSTs the result there; give a full URL like \"https://example.com/hook\".", s)
			p.ok = false
		}
	}
	if n, ok := l.evalVariants(ib, ctx); ok {
		a.Variants = n
	} else {
		p.ok = false
	}
	if c, ok := l.evalChecks(ib.checks, ctx, ib.sc); c != nil {
		a.Check, p.ok = c, p.ok && ok
	}
	if prov, ok := str("provider"); ok {
		p.provider = prov
	} else {
		p.providerFailed = true
	}
	return obj
}

// evalImages evaluates the images argument: a list of strings, at most
// MaxRefs of them.
func (l *loader) evalImages(ib *imageBlock, ctx *hcl.EvalContext) []string {
	p := l.pending[len(l.pending)-1]
	attr := ib.attrs["images"]
	if attr == nil {
		return nil
	}
	v, ok, sensitive := l.evalSensitive(attr.Expr, ctx, ib.sc)
	if !ok {
		p.ok = false
		return nil
	}
	if sensitive {
		l.errorf(attr.Expr.Range().Ptr(), "Sensitive value in images",
			"The images derive from a sensitive variable, but pixform prints reference images in plans and records them in the lockfile, which you commit. Only prompt may use a sensitive value: leave the variable out of images.")
		p.ok = false
		return nil
	}
	if v.IsNull() {
		return nil
	}
	list, err := v, error(nil)
	if !isStringTuple(v.Type()) { // a tuple of strings is iterated as it is
		list, err = convert.Convert(v, cty.List(cty.String))
	}
	if err != nil || !(v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType()) {
		l.errorf(attr.Expr.Range().Ptr(), "Incorrect attribute value type",
			"The images argument must be a list of strings (file paths or URLs), but this is %s.", friendly(v))
		p.ok = false
		return nil
	}
	var out []string
	for it := list.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			l.errorf(attr.Expr.Range().Ptr(), "Invalid reference image",
				"An entry of images is null; each must be a file path or a URL.")
			p.ok = false
			return nil
		}
		out = append(out, e.AsString())
	}
	if len(out) > MaxRefs {
		rng := attr.Expr.Range()
		if t, ok := attr.Expr.(*hclsyntax.TupleConsExpr); ok && len(t.Exprs) == len(out) {
			rng = t.Exprs[MaxRefs].Range() // the first one too many
		}
		l.errorf(rng.Ptr(), "Too many reference images",
			"This image has %d reference images, but the API takes at most %d per image. Remove some.", len(out), MaxRefs)
		p.ok = false
	}
	return out
}

// isStringTuple tells whether ty is a tuple type of strings only, like that
// of ["a", "b"], which converts to a list of strings element for element.
func isStringTuple(ty cty.Type) bool {
	if !ty.IsTupleType() {
		return false
	}
	for _, et := range ty.TupleElementTypes() {
		if et != cty.String {
			return false
		}
	}
	return true
}
