package spec

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns src in canonical layout, for pixform fmt. It does not check
// the syntax: use FormatFile to refuse a file that does not parse.
func Format(src []byte) []byte {
	return hclwrite.Format(src)
}

// FormatFile checks that src parses as HCL and returns it in canonical
// layout. With syntax errors, it returns nil and the diagnostics.
func FormatFile(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	if diags := checkSource(src, filename); diags.HasErrors() {
		return nil, diags
	}
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, diags
	}
	return hclwrite.Format(src), nil
}
