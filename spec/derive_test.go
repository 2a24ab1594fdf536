package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
)

func TestDeriveLadder(t *testing.T) {
	s := mustLoad(t, map[string]string{"main.pix.hcl": `
provider "offline" {}
image "logo" {
  prompt = "a logo"
  output = "logo.png"
}
derive "web" {
  for_each = { small = 320, large = 1280 }
  source   = image.logo.output
  resize {
    width = each.value
    fit   = "contain"
  }
  trim {}
  pad {
    all   = 2
    color = "#ffffff"
  }
  quality = 70
  output  = "public/logo-${each.key}.webp"
}
derive "thumb" {
  count  = 1
  source = derive.web["small"].output
  crop {
    center = true
    width  = 100
    height = 100
  }
  output = "thumb.jpg"
}
`}, LoadOptions{})
	var got []string
	for _, a := range s.Assets {
		got = append(got, a.Addr)
	}
	want := []string{`derive.thumb[0]`, `derive.web["large"]`, `derive.web["small"]`, "image.logo"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("assets (-want +got):\n%s", diff)
	}
	small := s.Asset(`derive.web["small"]`)
	wantD := &Derive{
		Source: "image.logo", Format: "webp", Quality: 70,
		Ops: []DeriveOp{
			{Kind: "resize", Width: 320, Fit: "contain"},
			{Kind: "trim"},
			{Kind: "pad", Top: 2, Right: 2, Bottom: 2, Left: 2, Color: "#ffffff"},
		},
	}
	ignore := cmpopts.IgnoreTypes(hcl.Range{})
	if diff := cmp.Diff(wantD, small.Derive, ignore); diff != "" {
		t.Errorf("derive (-want +got):\n%s", diff)
	}
	if small.Output != "public/logo-small.webp" || small.Provider != DeriveProvider || small.Model != DeriveModel {
		t.Errorf("got output %q provider %q model %q", small.Output, small.Provider, small.Model)
	}
	if diff := cmp.Diff([]string{"image.logo"}, small.DependsOn); diff != "" {
		t.Errorf("depends_on (-want +got):\n%s", diff)
	}
	thumb := s.Asset("derive.thumb[0]")
	if thumb.Derive.Source != `derive.web["small"]` || thumb.Derive.Format != "jpeg" || !thumb.Derive.Ops[0].Center {
		t.Errorf("got thumb %+v", thumb.Derive)
	}
	if len(thumb.Refs) != 1 || thumb.Refs[0].Kind != RefAsset || thumb.Refs[0].Value != "public/logo-small.webp" {
		t.Errorf("got refs %+v", thumb.Refs)
	}
}

func TestDeriveCycle(t *testing.T) {
	_, diags := loadFiles(t, map[string]string{"main.pix.hcl": `
provider "offline" {}
derive "a" {
  source = derive.b.output
  output = "a.png"
}
derive "b" {
  source = derive.a.output
  output = "b.png"
}
`}, LoadOptions{})
	if !diags.HasErrors() {
		t.Fatal("got no error, want a cycle")
	}
	found := false
	for _, d := range diags {
		found = found || d.Summary == "Cycle among derives"
	}
	if !found {
		t.Errorf("got %v, want a \"Cycle among derives\" error", diags)
	}
}
