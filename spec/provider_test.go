package spec

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestProviders(t *testing.T) {
	const images = `
image "a" {
  prompt = "a"
  output = "a.png"
}
image "b" {
  provider = "offline"
  prompt   = "b"
  output   = "b.png"
}`
	tests := []struct {
		name          string
		src           string
		opts          LoadOptions
		wantProviders map[string]*Provider
		wantA, wantB  string // the provider of image.a and image.b
	}{
		{
			name:          "no block: implicit defapi, but b names offline",
			src:           `image "a" {` + "\n" + `prompt = "a"` + "\n" + `output = "a.png"` + "\n}",
			wantProviders: map[string]*Provider{"defapi": {Type: "defapi", BaseURL: DefaultBaseURL}},
			wantA:         "defapi",
		},
		{
			name:          "no block: base_url from the environment",
			src:           `image "a" {` + "\n" + `prompt = "a"` + "\n" + `output = "a.png"` + "\n}",
			opts:          LoadOptions{Env: env(map[string]string{"DEFAPI_BASE_URL": "http://localhost:9999/"})},
			wantProviders: map[string]*Provider{"defapi": {Type: "defapi", BaseURL: "http://localhost:9999"}},
			wantA:         "defapi",
		},
		{
			name:          "no block, -provider=offline: implicit offline",
			src:           `image "a" {` + "\n" + `prompt = "a"` + "\n" + `output = "a.png"` + "\n}",
			opts:          LoadOptions{Provider: "offline"},
			wantProviders: map[string]*Provider{"offline": {Type: "offline"}},
			wantA:         "offline",
		},
		{
			name:          "one block: every image uses it",
			src:           `provider "offline" {}` + images,
			wantProviders: map[string]*Provider{"offline": {Type: "offline"}},
			wantA:         "offline",
			wantB:         "offline",
		},
		{
			name: "two blocks and -provider",
			src: `
variable "rate" {
  default = 2.5
}
provider "defapi" {
  base_url        = "https://proxy.example.com/"
  rate_limit      = var.rate
  retry_for       = "90s"
  retry_attempts  = 12
  not_found_grace = "10m"
  callback {
    public_url = "https://hooks.example.com/pixform"
  }
}
provider "offline" {}` + images,
			opts: LoadOptions{Provider: "defapi", Env: env(map[string]string{"DEFAPI_BASE_URL": "http://ignored"})},
			wantProviders: map[string]*Provider{
				"defapi": {
					Type: "defapi", BaseURL: "https://proxy.example.com", RateLimit: 2.5, RetryFor: 90 * time.Second,
					RetryAttempts: 12, NotFoundGrace: 10 * time.Minute,
					Callback: &Callback{Listen: ":8787", PublicURL: "https://hooks.example.com/pixform"},
				},
				"offline": {Type: "offline"},
			},
			wantA: "defapi",
			wantB: "offline",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustLoad(t, map[string]string{"main.pix.hcl": tt.src}, tt.opts)
			if diff := cmp.Diff(tt.wantProviders, s.Providers, cmpopts.IgnoreFields(Provider{}, "DeclRange")); diff != "" {
				t.Errorf("got providers differing (-want +got):\n%s", diff)
			}
			if got := s.Asset("image.a").Provider; got != tt.wantA {
				t.Errorf("got image.a provider %q, want %q", got, tt.wantA)
			}
			if b := s.Asset("image.b"); b != nil && b.Provider != tt.wantB {
				t.Errorf("got image.b provider %q, want %q", b.Provider, tt.wantB)
			}
		})
	}
}

func TestProviderErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opts LoadOptions
		want []string // error summaries
	}{
		{
			name: "offline named but only implicit defapi",
			src:  `image "b" {` + "\n" + `provider = "offline"` + "\n" + `prompt = "b"` + "\n" + `output = "b.png"` + "\n}",
			want: []string{"Undeclared provider"},
		},
		{
			name: "-provider not declared",
			src:  `provider "defapi" {}` + "\n" + `image "b" {` + "\n" + `prompt = "b"` + "\n" + `output = "b.png"` + "\n}",
			opts: LoadOptions{Provider: "offline"},
			want: []string{"Undeclared provider"},
		},
		{
			name: "offline takes no arguments",
			src:  `provider "offline" {` + "\n" + `base_url = "x"` + "\n}",
			want: []string{"Unsupported argument"},
		},
		{
			name: "callback needs public_url",
			src:  `provider "defapi" {` + "\n" + `callback {` + "\n" + `listen = ":1"` + "\n}\n}",
			want: []string{"Missing required argument"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, diags := loadFiles(t, map[string]string{"main.pix.hcl": tt.src}, tt.opts)
			var got []string
			for _, d := range diags {
				got = append(got, d.Summary)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("got diagnostics differing (-want +got):\n%s\n%s", diff, diagText(s, diags))
			}
		})
	}
}
