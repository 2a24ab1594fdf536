package spec

import (
	"math"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Provider types, and the default base URL of defapi.
const (
	ProviderDefAPI  = "defapi"
	ProviderOffline = "offline"
	DefaultBaseURL  = "https://api.defapi.org"
)

var providerTypes = []string{ProviderDefAPI, ProviderOffline}

// declareProviders records the provider blocks by type, or the implicit
// defapi provider when there are none.
func (l *loader) declareProviders() {
	blocks := map[string]*hcl.Block{}
	for _, b := range l.blocks["provider"] {
		typ := b.Labels[0]
		if !slices.Contains(providerTypes, typ) {
			l.errorf(b.LabelRanges[0].Ptr(), "Unknown provider type",
				"There is no provider type %q. The provider types are %s.%s", typ, quotedList(providerTypes), didYouMean(typ, providerTypes))
			l.badProv[typ] = true
			continue
		}
		if prev := blocks[typ]; prev != nil {
			l.errorf(b.DefRange.Ptr(), "Duplicate provider block",
				"A provider %q block was already declared at %s. Merge the two into one.", typ, at(prev.DefRange))
			continue
		}
		blocks[typ] = b
		l.spec.Providers[typ] = &Provider{Type: typ, DeclRange: b.DefRange}
	}
	if len(blocks) == 0 && len(l.badProv) == 0 {
		typ := ProviderDefAPI
		if slices.Contains(providerTypes, l.opts.Provider) {
			typ = l.opts.Provider
		}
		l.spec.Providers[typ] = &Provider{Type: typ}
	}
	if p := l.spec.Providers[ProviderDefAPI]; p != nil {
		p.BaseURL = DefaultBaseURL
		if l.opts.Env != nil && l.opts.Env("DEFAPI_BASE_URL") != "" {
			p.BaseURL = strings.TrimRight(l.opts.Env("DEFAPI_BASE_URL"), "/")
		}
	}
	if l.opts.Provider != "" && l.spec.Providers[l.opts.Provider] == nil {
		l.errorf(nil, "Undeclared provider",
			"The -provider option chooses %q, but this spec declares only %s. Add a provider %q {} block, or choose one of those.",
			l.opts.Provider, quotedList(l.providerNames()), l.opts.Provider)
	}
}

func (l *loader) providerNames() []string {
	out := make([]string, 0, len(l.spec.Providers))
	for typ := range l.spec.Providers {
		out = append(out, typ)
	}
	sort.Strings(out)
	return out
}

// decodeProviders evaluates the arguments of the provider blocks.
func (l *loader) decodeProviders() {
	for _, b := range l.blocks["provider"] {
		p := l.spec.Providers[b.Labels[0]]
		if p == nil || p.DeclRange != b.DefRange {
			continue // unknown type or duplicate: reported already
		}
		if p.Type == ProviderOffline {
			_, diags := b.Body.Content(offlineSchema)
			l.diags = append(l.diags, diags...)
			continue
		}
		content, diags := b.Body.Content(defapiSchema)
		l.diags = append(l.diags, diags...)
		l.decodeDefAPI(p, content)
	}
}

func (l *loader) decodeDefAPI(p *Provider, content *hcl.BodyContent) {
	attrs := content.Attributes
	if a := attrs["api_key"]; a != nil {
		l.errorf(a.Range.Ptr(), "API key in a spec file",
			"The API key must never be written in a spec file, which is committed with the project. Remove this argument and set the environment variable DEFAPI_API_KEY instead.")
	}
	if s, ok := l.providerString(attrs["base_url"]); ok && s != "" {
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			l.errorf(attrs["base_url"].Expr.Range().Ptr(), "Invalid base_url",
				"The base_url %q is not an http or https URL. Give the service's address, like %q.", s, DefaultBaseURL)
		} else {
			p.BaseURL = strings.TrimRight(s, "/")
		}
	}
	if f, ok := l.providerNumber(attrs["rate_limit"], false); ok {
		p.RateLimit = f
	}
	if f, ok := l.providerNumber(attrs["retry_attempts"], true); ok {
		p.RetryAttempts = int(f)
	}
	if d, ok := l.providerDuration(attrs["retry_for"]); ok {
		p.RetryFor = d
	}
	if d, ok := l.providerDuration(attrs["not_found_grace"]); ok {
		p.NotFoundGrace = d
	}
	for i, cb := range content.Blocks.OfType("callback") {
		if i > 0 {
			l.errorf(cb.DefRange.Ptr(), "Duplicate callback block", "A provider can have only one callback block. Remove this one.")
			continue
		}
		cc, diags := cb.Body.Content(callbackSchema)
		l.diags = append(l.diags, diags...)
		c := &Callback{Listen: ":8787"}
		ok := !diags.HasErrors()
		if s, good := l.providerString(cc.Attributes["listen"]); good && s != "" {
			c.Listen = s
		} else if !good {
			ok = false
		}
		s, good := l.providerString(cc.Attributes["public_url"])
		if u, err := url.Parse(s); good && s != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
			l.errorf(cc.Attributes["public_url"].Expr.Range().Ptr(), "Invalid public_url",
				"The public_url %q is not an http or https URL. Give the address at which the service reaches this callback, like \"https://example.com/pixform\".", s)
			good = false
		}
		c.PublicURL = s
		if ok && good && s != "" {
			p.Callback = c
		}
	}
}

func (l *loader) providerString(attr *hcl.Attribute) (string, bool) {
	if attr == nil {
		return "", true
	}
	deps := refs(attr.Expr)
	l.diags = append(l.diags, l.checkRefs(attr.Expr, scopeLocals)...)
	return l.evalString(attr, l.ctx(deps, nil), scopeLocals)
}

// providerNumber evaluates a number argument of 0 or more.
func (l *loader) providerNumber(attr *hcl.Attribute, whole bool) (float64, bool) {
	if attr == nil {
		return 0, false
	}
	l.diags = append(l.diags, l.checkRefs(attr.Expr, scopeLocals)...)
	v, ok := l.eval(attr.Expr, l.ctx(refs(attr.Expr), nil), scopeLocals)
	if !ok || v.IsNull() {
		return 0, false
	}
	n, err := convert.Convert(v, cty.Number)
	var f float64
	if err == nil {
		f, _ = n.AsBigFloat().Float64()
	}
	if err != nil || f < 0 || math.IsInf(f, 0) || (whole && (f != math.Trunc(f) || f > 1e6)) {
		what := "a number"
		if whole {
			what = "a whole number"
		}
		l.errorf(attr.Expr.Range().Ptr(), "Invalid "+attr.Name, "The %s must be %s, 0 or more.", attr.Name, what)
		return 0, false
	}
	return f, true
}

// providerDuration evaluates a duration argument written like "90s".
func (l *loader) providerDuration(attr *hcl.Attribute) (time.Duration, bool) {
	s, ok := l.providerString(attr)
	if !ok || s == "" {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		l.errorf(attr.Expr.Range().Ptr(), "Invalid "+attr.Name,
			"The %s %q is not a duration. Write it like \"90s\", \"5m\" or \"1h30m\".", attr.Name, s)
		return 0, false
	}
	return d, true
}

// resolveProvider chooses the provider of an instance: the one it names,
// else the only one declared, else the -provider option.
func (l *loader) resolveProvider(p *pendingAsset) {
	if len(l.spec.Providers) == 0 || p.providerFailed {
		p.ok = false // every provider block was refused, and said so
		return
	}
	attr := p.block.attrs["provider"]
	switch {
	case p.provider != "":
		if l.spec.Providers[p.provider] == nil {
			if !l.badProv[p.provider] {
				l.errorf(attr.Expr.Range().Ptr(), "Undeclared provider",
					"This image uses the provider %q, but the spec declares only %s. Add a provider %q {} block, or choose one of those.",
					p.provider, quotedList(l.providerNames()), p.provider)
			}
			p.ok = false
			return
		}
		p.asset.Provider = p.provider
	case len(l.spec.Providers) == 1:
		p.asset.Provider = l.providerNames()[0]
	case l.opts.Provider != "" && l.spec.Providers[l.opts.Provider] != nil:
		p.asset.Provider = l.opts.Provider
	case l.opts.Provider != "":
		p.ok = false // the undeclared -provider was reported
	default:
		names := l.providerNames()
		l.errorf(p.asset.DeclRange.Ptr(), "No provider chosen",
			"This spec declares the providers %s, so each image must choose one: add provider = %q (or another) to this block, or pass -provider on the command line.",
			quotedList(names), names[0])
		p.ok = false
	}
}
