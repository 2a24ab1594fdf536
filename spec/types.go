package spec

import (
	"time"

	"github.com/hashicorp/hcl/v2"
)

// DefaultModel is the model an image block without one uses.
const DefaultModel = "google/gempix2"

// MaxRefs is the most reference images the API takes per request.
const MaxRefs = 4

// Spec is a loaded, evaluated spec directory.
type Spec struct {
	Dir       string
	Files     map[string]*hcl.File // by filename, for printing diagnostics with source
	Providers map[string]*Provider // by type: "defapi", "offline"
	Assets    []*Asset             // sorted by Addr
	Moved     []Moved
	Backend   *Backend // the pixform block's backend; nil: the local directory
}

// Asset returns the asset at addr, or nil.
func (s *Spec) Asset(addr string) *Asset {
	for _, a := range s.Assets {
		if a.Addr == addr {
			return a
		}
	}
	return nil
}

// Provider is a provider block.
type Provider struct {
	Type      string  // "defapi" or "offline"
	BaseURL   string  // defapi: block, else env DEFAPI_BASE_URL, else https://api.defapi.org
	RateLimit float64 // requests per second; 0 means unlimited
	// RetryFor and RetryAttempts bound the retries of one request: it keeps
	// trying until both are spent. Zero means the defaults (1m, 10).
	RetryFor      time.Duration
	RetryAttempts int
	// NotFoundGrace is how long a 404 on a recently submitted task means
	// "not visible yet". Zero means the default (5m).
	NotFoundGrace time.Duration
	Callback      *Callback
	DeclRange     hcl.Range
}

// Callback configures the webhook receiver of a provider.
type Callback struct {
	Listen    string // address to listen on, e.g. ":8787"
	PublicURL string // URL the service POSTs to, reaching Listen
}

// Asset is one image to generate: one instance of an image block.
type Asset struct {
	Addr        string // image.logo, image.hero["knight"], image.row[3]
	Name        string // the block label
	Key         string // the for_each key or count index as written in Addr, "" for none
	Provider    string // provider type
	Model       string
	Prompt      string
	Sensitive   bool   // the prompt derives from a sensitive variable: never printed
	Output      string // clean slash path relative to the spec dir
	Refs        []Ref
	AspectRatio string
	ImageSize   string
	CallbackURL string
	DependsOn   []string // addresses of assets this one waits for: its asset refs plus depends_on
	// Variants is how many candidates of the image apply makes (1 to
	// MaxVariants; 0 when not set, which means 1): not an input of the fingerprint, since
	// every candidate is a generation of the same inputs.
	Variants int

	IgnoreChanges     []string // attribute names from lifecycle.ignore_changes
	PreventRegenerate bool

	// Derive is set on the asset of a derive block (derive.NAME): its
	// output is built from its source's, not generated (derive.go).
	Derive *Derive
	// Check holds the conditions of its check block, if any (check.go).
	Check *Check

	DeclRange hcl.Range // the image block's header
}

// RefKind tells what a reference image is.
type RefKind int

// Reference kinds.
const (
	RefURL   RefKind = iota // http(s) URL, passed through
	RefFile                 // a local file, sent as a data: URI
	RefAsset                // another asset's output
)

// Ref is one reference image.
type Ref struct {
	Kind  RefKind
	Value string // the URL; the clean slash path of the file; or the asset's output path
	Addr  string // RefAsset: the referenced asset's address
}

// Moved is a moved block: From's state now belongs to To.
type Moved struct {
	From, To  string
	DeclRange hcl.Range
}

// LoadOptions carries values from outside the spec.
type LoadOptions struct {
	Vars     []string            // -var name=value, in command-line order
	VarFiles []string            // -var-file paths, relative to the spec dir unless absolute
	Env      func(string) string // environment lookup; nil means no environment
	// Provider is -provider: the provider type of images whose block names
	// none. It must be declared, unless the spec declares no provider at
	// all: then it replaces the implicit defapi. "" means no choice.
	Provider string
}

// KnownModels are the models API.md names. Others are warned about, not refused.
var KnownModels = []string{
	"google/gempix2",
	"google/gemini-2.5-flash-image",
	"google/nano-banana",
	"google/nano-banana-pro",
	"google/nano-banana-2",
	"google/gemini-3.1-flash-image-preview",
}

// AspectRatios and ImageSizes are the values API.md lists.
var (
	AspectRatios = []string{"1:1", "16:9", "21:9", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16"}
	ImageSizes   = []string{"1k", "2k", "4k"}
)
