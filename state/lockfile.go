package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	iofs "io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/spf13/afero"
	"github.com/zclconf/go-cty/cty"
)

// lockHeader opens every lockfile.
const lockHeader = "# This file is maintained by pixform. Commit it; do not edit it by hand.\n"

// lockAttrs are the attributes of an image block, in the order written.
var lockAttrs = []string{"output", "sha256", "fingerprint", "model"}

// LockFrom derives the lockfile from a state: one image per asset, sorted by
// address. Pending tasks, credits and the file-hash cache are not in it.
func LockFrom(s *State) *Lock {
	l := &Lock{}
	if s == nil {
		return l
	}
	for _, a := range s.Assets {
		l.Images = append(l.Images, LockImage{
			Addr: a.Addr, Output: a.Output, SHA256: a.SHA256, Fingerprint: a.Fingerprint, Model: a.Model,
			Ignored: ignoredJSON(a), Pick: a.Pick,
		})
	}
	sortImages(l.Images)
	return l
}

func sortImages(imgs []LockImage) {
	slices.SortFunc(imgs, func(a, b LockImage) int { return strings.Compare(a.Addr, b.Addr) })
}

// encodeLock renders a lockfile: a header comment, then one image block per
// image, sorted by address, with aligned attributes. The same Lock always
// gives the same bytes. cache, when not nil, maps images to their blocks
// (formatting is the costly part); it is updated to hold just the images of
// l.
func encodeLock(l *Lock, cache map[LockImage][]byte) []byte {
	imgs := slices.Clone(l.Images)
	sortImages(imgs)
	out := []byte(lockHeader)
	used := make(map[LockImage][]byte, len(imgs))
	for _, img := range imgs {
		blk, ok := cache[img]
		if !ok {
			blk = encodeImage(img)
		}
		used[img] = blk
		out = append(append(out, '\n'), blk...)
	}
	if cache != nil {
		clear(cache)
		maps.Copy(cache, used)
	}
	return out
}

// encodeImage renders one image block with hclwrite, labels and strings
// escaped as HCL needs.
func encodeImage(img LockImage) []byte {
	f := hclwrite.NewEmptyFile()
	b := f.Body().AppendNewBlock("image", []string{img.Addr}).Body()
	for _, v := range []struct{ name, val string }{
		{"output", img.Output}, {"sha256", img.SHA256}, {"fingerprint", img.Fingerprint}, {"model", img.Model},
	} {
		b.SetAttributeValue(v.name, cty.StringVal(v.val))
	}
	if kept := decodeIgnored(img.Ignored); len(kept) > 0 {
		vals := map[string]cty.Value{}
		for k, v := range kept {
			vals[k] = cty.StringVal(v)
		}
		b.SetAttributeValue("ignored", cty.ObjectVal(vals))
	}
	if img.Pick != "" {
		b.SetAttributeValue("pick", cty.StringVal(img.Pick))
	}
	return hclwrite.Format(f.Bytes())
}

// ignoredJSON encodes the kept values of an asset's ignored inputs.
func ignoredJSON(a *Asset) string {
	if len(a.Ignored) == 0 {
		return ""
	}
	kept := map[string]string{}
	for _, k := range a.Ignored {
		if v, ok := a.Inputs[k]; ok {
			kept[k] = v
		}
	}
	if len(kept) == 0 {
		return ""
	}
	b, _ := json.Marshal(kept) // a map of strings always encodes; keys sorted
	return string(b)
}

// decodeIgnored decodes LockImage.Ignored; "" or anything malformed is none.
func decodeIgnored(s string) map[string]string {
	if s == "" {
		return nil
	}
	var kept map[string]string
	if json.Unmarshal([]byte(s), &kept) != nil {
		return nil
	}
	return kept
}

// DecodeIgnored returns the inputs a lockfile entry kept at earlier values
// under lifecycle.ignore_changes, or nil.
func (li LockImage) DecodeIgnored() map[string]string { return decodeIgnored(li.Ignored) }

// WriteLock writes pixform.lock.hcl in dir atomically, sorted by address and
// without timestamps, so that it diffs well and an unchanged lock gives an
// unchanged file.
func WriteLock(fs afero.Fs, dir string, l *Lock) error {
	if l == nil {
		l = &Lock{}
	}
	return WriteFileAtomic(fs, filePath(dir, LockfileName), encodeLock(l, nil))
}

// ReadLock reads pixform.lock.hcl in dir. A missing lockfile is an empty
// Lock; a malformed one is an error naming file and line.
func ReadLock(fs afero.Fs, dir string) (*Lock, error) {
	name := filePath(dir, LockfileName)
	src, err := afero.ReadFile(fs, name)
	if errors.Is(err, iofs.ErrNotExist) {
		return &Lock{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read lockfile: %w", err)
	}
	return decodeLock(src, name)
}

// decodeLock parses a lockfile; name is the file name errors carry. The
// form pixform writes takes a fast path; anything else, hand-edited or
// malformed, goes through hclsyntax.
func decodeLock(src []byte, name string) (*Lock, error) {
	if l, ok := decodeLockFast(src); ok {
		return l, nil
	}
	return decodeLockHCL(src, name)
}

// decodeLockHCL parses a lockfile of any valid form with hclsyntax.
func decodeLockHCL(src []byte, name string) (*Lock, error) {
	file, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, lockError(diags)
	}
	body := file.Body.(*hclsyntax.Body)
	for _, attr := range sortedAttrs(body) {
		return nil, lockErrorAt(attr.NameRange, "Unexpected attribute",
			fmt.Sprintf("%q is not expected at the top level; the lockfile holds only image blocks.", attr.Name))
	}
	l := &Lock{}
	seen := map[string]bool{}
	for _, blk := range body.Blocks {
		if blk.Type != "image" || len(blk.Labels) != 1 {
			return nil, lockErrorAt(blk.TypeRange, "Unexpected block",
				"The lockfile holds only blocks of the form image \"ADDRESS\" { ... }.")
		}
		img := LockImage{Addr: blk.Labels[0]}
		if seen[img.Addr] {
			return nil, lockErrorAt(blk.LabelRanges[0], "Duplicate image", fmt.Sprintf("%s appears twice.", img.Addr))
		}
		seen[img.Addr] = true
		vals := map[string]*string{
			"output": &img.Output, "sha256": &img.SHA256, "fingerprint": &img.Fingerprint, "model": &img.Model,
			"pick": &img.Pick, // optional: only a picked image has it
		}
		for _, blk := range blk.Body.Blocks {
			return nil, lockErrorAt(blk.TypeRange, "Unexpected block", "An image block holds only attributes.")
		}
		for _, attr := range sortedAttrs(blk.Body) {
			if attr.Name == "ignored" {
				kept, err := parseIgnored(attr)
				if err != nil {
					return nil, err
				}
				img.Ignored = kept
				continue
			}
			dst, ok := vals[attr.Name]
			if !ok {
				return nil, lockErrorAt(attr.NameRange, "Unsupported attribute",
					fmt.Sprintf("An image block has only %s, not %q.", strings.Join(lockAttrs, ", "), attr.Name))
			}
			v, diags := attr.Expr.Value(nil)
			if diags.HasErrors() {
				return nil, lockError(diags)
			}
			if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
				return nil, lockErrorAt(attr.Expr.Range(), "Invalid value", fmt.Sprintf("%s must be a string.", attr.Name))
			}
			*dst = v.AsString()
		}
		for _, a := range lockAttrs {
			if _, ok := blk.Body.Attributes[a]; !ok {
				return nil, lockErrorAt(blk.TypeRange, "Missing attribute",
					fmt.Sprintf("The image block of %s has no %s.", img.Addr, a))
			}
		}
		l.Images = append(l.Images, img)
	}
	sortImages(l.Images)
	return l, nil
}

// sortedAttrs returns the attributes of body in source order.
func sortedAttrs(body *hclsyntax.Body) []*hclsyntax.Attribute {
	attrs := slices.Collect(maps.Values(body.Attributes))
	slices.SortFunc(attrs, func(a, b *hclsyntax.Attribute) int {
		return a.SrcRange.Start.Byte - b.SrcRange.Start.Byte
	})
	return attrs
}

// lockError turns the first error of diags into an error naming file:line.
func lockError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		if d.Subject == nil {
			return lockErrorText(LockfileName, 0, d.Summary, d.Detail)
		}
		return lockErrorText(d.Subject.Filename, d.Subject.Start.Line, d.Summary, d.Detail)
	}
	return nil
}

func lockErrorAt(rng hcl.Range, summary, detail string) error {
	return lockErrorText(rng.Filename, rng.Start.Line, summary, detail)
}

func lockErrorText(file string, line int, summary, detail string) error {
	var b bytes.Buffer
	b.WriteString(file)
	if line > 0 {
		fmt.Fprintf(&b, ":%d", line)
	}
	if summary != "" {
		fmt.Fprintf(&b, ": %s", strings.ToLower(summary[:1])+summary[1:])
	}
	if detail != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimSuffix(detail, "."))
	}
	fmt.Fprintf(&b, "; pixform writes this file: restore it from version control (git checkout %s), "+
		"or delete it and run pixform apply to write it again from the state", LockfileName)
	return errors.New(b.String())
}

// parseIgnored reads an image block's optional ignored = { input = "value" }.
func parseIgnored(attr *hclsyntax.Attribute) (string, error) {
	v, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return "", lockError(diags)
	}
	if v.IsNull() || !v.IsKnown() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		return "", lockErrorAt(attr.Expr.Range(), "Invalid value", "ignored must be an object of strings.")
	}
	kept := map[string]string{}
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		if ev.IsNull() || !ev.IsKnown() || ev.Type() != cty.String {
			return "", lockErrorAt(attr.Expr.Range(), "Invalid value", "ignored must be an object of strings.")
		}
		kept[k.AsString()] = ev.AsString()
	}
	if len(kept) == 0 {
		return "", nil
	}
	b, _ := json.Marshal(kept)
	return string(b), nil
}
