package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestPrecomputeSameResult loads blocks of many instances, some of them
// wrong, with their arguments evaluated in parallel and one by one, and
// wants the same assets and the same diagnostics in the same order.
func TestPrecomputeSameResult(t *testing.T) {
	files := map[string]string{
		"main.pix.hcl": `
variable "secret" {
  type      = string
  default   = "moonlit"
  sensitive = true
}

locals {
  names = { for i in range(100) : "n${i}" => upper("item ${i}") }
}

image "row" {
  count  = 150
  prompt = "Row ${count.index}, ${var.secret} ${file(count.index % 50 == 7 ? "missing.txt" : "style.txt")}"
  output = "rows/${format("%03d", count.index)}.png"
  images = count.index % 2 == 0 ? ["refs/a.png"] : ["https://example.com/${count.index}.png"]
  aspect_ratio = count.index == 3 ? "7:7" : "16:9"
}

image "named" {
  for_each = local.names
  prompt   = "Named ${each.value} after ${image.row[0].output}"
  output   = "named/${each.key}.png"
  model    = each.key == "n42" ? "" : "google/nano-banana"
}
`,
		"style.txt":  "flat colours",
		"refs/a.png": "not really a png",
	}
	load := func(min int) ([]*Asset, []string) {
		t.Helper()
		old := minPrecompute
		minPrecompute = min
		defer func() { minPrecompute = old }()
		s, diags := loadFiles(t, files, LoadOptions{})
		var msgs []string
		for _, d := range diags {
			msgs = append(msgs, d.Subject.String()+": "+d.Summary+": "+d.Detail)
		}
		if s == nil {
			t.Fatal("got nil spec")
		}
		return s.Assets, msgs
	}
	seqAssets, seqDiags := load(1 << 30)
	parAssets, parDiags := load(1)
	if len(seqAssets) != 245 { // 250, less the 5 wrong ones
		t.Fatalf("got %d assets one by one, want 245", len(seqAssets))
	}
	if len(seqDiags) < 3 { // each distinct error is reported once
		t.Fatalf("got %d diagnostics, want the test to exercise errors (missing file, bad aspect_ratio, empty model):\n%q", len(seqDiags), seqDiags)
	}
	if diff := cmp.Diff(seqDiags, parDiags); diff != "" {
		t.Errorf("diagnostics (-one by one +parallel):\n%s", diff)
	}
	if diff := cmp.Diff(seqAssets, parAssets, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("assets (-one by one +parallel):\n%s", diff)
	}
}
