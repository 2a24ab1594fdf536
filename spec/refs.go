package spec

import (
	"errors"
	"io/fs"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// finishAssets does what needs every instance evaluated: duplicate
// outputs, providers, references and dependencies, then fills Spec.Assets.
func (l *loader) finishAssets() {
	sort.SliceStable(l.pending, func(i, j int) bool {
		a, b := l.pending[i].asset.DeclRange, l.pending[j].asset.DeclRange
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	folded := map[string]string{}
	for _, p := range l.pending {
		if !p.outputOK {
			continue
		}
		out, addr := p.asset.Output, p.asset.Addr
		other, dup := l.outputs[out]
		if !dup {
			other, dup = folded[strings.ToLower(out)]
		}
		if dup {
			detail := "The output %q of %s is already the output of %s. Give each image its own output; with for_each or count, put ${each.key} or ${count.index} in the path."
			if l.outputs[out] == "" {
				detail = "The output %q of %s differs only in case from the output of %s, so the two are one file on macOS and Windows. Give each image its own output."
			}
			l.errorf(p.block.attrs["output"].Expr.Range().Ptr(), "Duplicate output path", detail, out, addr, other)
			p.ok = false
			continue
		}
		l.outputs[out] = addr
		folded[strings.ToLower(out)] = addr
	}
	for _, p := range l.pending {
		if p.asset.Derive != nil {
			l.resolveSource(p)
			continue
		}
		l.resolveProvider(p)
		l.resolveRefs(p)
		l.resolveDependsOn(p)
	}
	g := newGraph()
	for _, p := range l.pending {
		if !p.ok {
			continue
		}
		g.add(p.asset.Addr)
		for _, d := range p.asset.DependsOn {
			rng := p.asset.DeclRange
			if a := p.block.attrs["images"]; a != nil {
				rng = a.Expr.Range()
			}
			g.edge(p.asset.Addr, d, rng)
		}
		l.spec.Assets = append(l.spec.Assets, p.asset)
	}
	for _, comp := range g.components() {
		if g.cyclic(comp) {
			l.diags = append(l.diags, g.cycleDiag(comp))
		}
	}
	sort.Slice(l.spec.Assets, func(i, j int) bool { return l.spec.Assets[i].Addr < l.spec.Assets[j].Addr })
}

// resolveRefs turns each entry of images into a Ref.
func (l *loader) resolveRefs(p *pendingAsset) {
	attr := p.block.attrs["images"]
	var elems []hclsyntax.Expression
	if attr != nil {
		if t, ok := attr.Expr.(*hclsyntax.TupleConsExpr); ok && len(t.Exprs) == len(p.images) {
			elems = t.Exprs
		}
	}
	deps := map[string]bool{}
	for i, s := range p.images {
		rng := attr.Expr.Range()
		if elems != nil {
			rng = elems[i].Range()
		}
		ref, ok := l.classifyRef(p, s, rng.Ptr())
		if !ok {
			p.ok = false
			continue
		}
		p.asset.Refs = append(p.asset.Refs, ref)
		if ref.Kind == RefAsset {
			deps[ref.Addr] = true
		}
	}
	p.asset.DependsOn = addDeps(p.asset.DependsOn, deps, p.asset.Addr)
}

// classifyRef tells what a reference image is: a URL, another asset's
// output, or a file of the spec directory, which must exist.
func (l *loader) classifyRef(p *pendingAsset, s string, rng *hcl.Range) (Ref, bool) {
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		if u, err := url.Parse(s); err != nil || u.Host == "" {
			l.errorf(rng, "Invalid reference URL", "The reference image %q is not a valid URL. Give a full http or https URL, or a file path.", s)
			return Ref{}, false
		}
		return Ref{Kind: RefURL, Value: s}, true
	case strings.HasPrefix(lower, "data:"):
		if !strings.Contains(s, ",") {
			l.errorf(rng, "Invalid reference URL", "The reference image starts with data: but is not a data URI (it has no comma before the data).")
			return Ref{}, false
		}
		return Ref{Kind: RefURL, Value: s}, true
	case strings.Contains(s, "://"):
		l.errorf(rng, "Unsupported reference URL", "The reference image %q is a URL the service cannot fetch. Use an http or https URL, or a file path.", s)
		return Ref{}, false
	}
	c, problem := cleanRel(s)
	switch problem {
	case pathEmpty:
		l.errorf(rng, "Empty reference image", "An entry of images is empty. Give a file path relative to the spec directory, or a URL.")
	case pathBackslash:
		l.errorf(rng, "Backslash in reference path", "The reference image %q contains a backslash. Separate directories with /, so that the spec works on every system.", s)
	case pathControl:
		l.errorf(rng, "Control character in reference path", "The reference image %q contains a control character (such as a newline or a tab) or bytes that are not UTF-8. Name the file with printable characters only.", s)
	case pathAbsolute, pathOutside:
		l.errorf(rng, "Reference image outside the spec directory",
			"The reference image %q is outside the spec directory. Copy the file into the spec directory and refer to it with a relative path, so the spec is self-contained.", s)
	}
	if problem != pathOK {
		return Ref{}, false
	}
	if addr, ok := l.outputs[c]; ok {
		if addr == p.asset.Addr {
			l.errorf(rng, "Image refers to its own output", "The image %s lists its own output %q among its reference images. An image cannot be generated from itself.", addr, c)
			return Ref{}, false
		}
		return Ref{Kind: RefAsset, Value: c, Addr: addr}, true
	}
	st := l.statRef(c)
	switch err := st.err; {
	case errors.Is(err, fs.ErrNotExist):
		l.errorf(rng, "Reference image not found",
			"No file exists at %q, and no image of this spec writes it. Paths are relative to the spec directory; check the path, or add the file.", c)
		return Ref{}, false
	case err != nil:
		l.errorf(rng, "Cannot read reference image", "pixform could not read %q: %s.", c, err)
		return Ref{}, false
	case st.isDir:
		l.errorf(rng, "Reference image is a directory", "%q is a directory; a reference image must be a file.", c)
		return Ref{}, false
	case st.link != "":
		l.errorf(rng, "Reference image outside the spec directory",
			"The reference image %q goes through the symbolic link %q, which leads outside the spec directory. Copy the file into the spec directory, so the spec is self-contained and no file from elsewhere is sent to the service.", s, st.link)
		return Ref{}, false
	}
	return Ref{Kind: RefFile, Value: c}, true
}

// refStat is what a Stat of a reference file found.
type refStat struct {
	isDir bool
	err   error
	link  string // a symbolic link along the path that leads outside the spec directory
}

// statRef stats the reference file at the clean relative path c, once per
// Load however many images refer to it.
func (l *loader) statRef(c string) refStat {
	if st, ok := l.refStats[c]; ok {
		return st
	}
	if l.refStats == nil {
		l.refStats = map[string]refStat{}
	}
	fi, err := l.fs.Stat(l.specPath(c))
	st := refStat{err: err, isDir: err == nil && fi.IsDir()}
	if err == nil {
		if _, problem, link := l.confine(c); problem == pathLink {
			st.link = link
		}
	}
	l.refStats[c] = st
	return st
}

// resolveDependsOn adds the depends_on targets: a whole block means every
// instance of it.
func (l *loader) resolveDependsOn(p *pendingAsset) {
	deps := map[string]bool{}
	for _, t := range p.block.dependsOn {
		insts, expanded := l.instances[t.addr.Name]
		if !expanded {
			continue // undeclared, or failed: reported already
		}
		if !t.addr.HasKey {
			for _, a := range insts {
				deps[a] = true
			}
			continue
		}
		want := t.addr.String()
		if !slices.Contains(insts, want) {
			l.errorf(t.rng.Ptr(), "Reference to undeclared image instance",
				"The image block %q has no instance %s. Check the key, or depend on the whole block with image.%s.", t.addr.Name, want, t.addr.Name)
			p.ok = false
			continue
		}
		deps[want] = true
	}
	p.asset.DependsOn = addDeps(p.asset.DependsOn, deps, p.asset.Addr)
}

// addDeps merges deps into list, sorted and without duplicates or self.
func addDeps(list []string, deps map[string]bool, self string) []string {
	for _, d := range list {
		deps[d] = true
	}
	delete(deps, self)
	if len(deps) == 0 {
		return nil
	}
	out := make([]string, 0, len(deps))
	for d := range deps {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}
