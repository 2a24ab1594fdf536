package planfile

// Version is the format version this build writes and reads. Version 1
// was a JSON dump of the in-memory structs; it is refused.
const Version = 2

// The wire structs of format version 2. Durations are Go duration
// strings; maps serialise with sorted keys, so the file is stable.
type planV2 struct {
	Version   int                   `json:"version"`
	Lineage   string                `json:"lineage"`
	Serial    uint64                `json:"serial"`
	Cost      float64               `json:"cost"`
	Warnings  []string              `json:"warnings,omitempty"`
	Providers map[string]providerV2 `json:"providers,omitempty"`
	Changes   []changeV2            `json:"changes"`
	Files     map[string]fileHashV2 `json:"files,omitempty"`
	RefHashes map[string]string     `json:"ref_hashes,omitempty"`
	Adopt     []lockImageV2         `json:"adopt,omitempty"`
}

type providerV2 struct {
	Type          string      `json:"type"`
	BaseURL       string      `json:"base_url,omitempty"`
	RateLimit     float64     `json:"rate_limit,omitempty"`
	RetryFor      string      `json:"retry_for,omitempty"`
	RetryAttempts int         `json:"retry_attempts,omitempty"`
	NotFoundGrace string      `json:"not_found_grace,omitempty"`
	Callback      *callbackV2 `json:"callback,omitempty"`
}

type callbackV2 struct {
	Listen    string `json:"listen"`
	PublicURL string `json:"public_url"`
}

type changeV2 struct {
	Addr        string            `json:"addr"`
	Action      string            `json:"action"`
	Reasons     []reasonV2        `json:"reasons,omitempty"`
	Prior       *priorV2          `json:"prior,omitempty"`
	Image       *imageV2          `json:"image,omitempty"`
	Fingerprint string            `json:"fingerprint,omitempty"`
	Inputs      map[string]string `json:"inputs,omitempty"`
	MovedFrom   string            `json:"moved_from,omitempty"`
	Drift       bool              `json:"drift,omitempty"`
	Cost        float64           `json:"cost,omitempty"`
	Restore     *restoreV2        `json:"restore,omitempty"`
	Candidates  int               `json:"candidates,omitempty"`
	Unpicked    bool              `json:"unpicked,omitempty"`
}

// restoreV2 is the stored generation a restore copies into place
// (planner.Restoring), and what apply does when the store's copy is gone.
type restoreV2 struct {
	SHA256      string  `json:"sha256"`
	TaskID      string  `json:"task_id,omitempty"`
	Model       string  `json:"model,omitempty"`
	Credits     float64 `json:"credits,omitempty"`
	Created     string  `json:"created,omitempty"` // RFC 3339
	Instead     string  `json:"instead"`
	InsteadCost float64 `json:"instead_cost,omitempty"`
}

// reasonV2 is a reason code and its details (planner.Reason). The values
// of a changed prompt are not written: the change holds the prompts.
type reasonV2 struct {
	Code   string `json:"code"`
	Input  string `json:"input,omitempty"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Path   string `json:"path,omitempty"`
	Addr   string `json:"addr,omitempty"`
	TaskID string `json:"task_id,omitempty"`
	Detail string `json:"detail,omitempty"`
}

type priorV2 struct {
	Output      string            `json:"output"`
	SHA256      string            `json:"sha256"`
	Fingerprint string            `json:"fingerprint"`
	Model       string            `json:"model"`
	Prompt      string            `json:"prompt,omitempty"`
	Inputs      map[string]string `json:"inputs,omitempty"`
	FromLock    bool              `json:"from_lock,omitempty"`
	Sensitive   bool              `json:"sensitive,omitempty"`
	Ignored     map[string]string `json:"ignored,omitempty"`
	Pick        string            `json:"pick,omitempty"`
}

// imageV2 is one instance of an image block, as apply needs it.
type imageV2 struct {
	Addr              string    `json:"addr"`
	Name              string    `json:"name"`
	Key               string    `json:"key,omitempty"`
	Provider          string    `json:"provider"`
	Model             string    `json:"model"`
	Prompt            string    `json:"prompt,omitempty"`
	Sensitive         bool      `json:"sensitive,omitempty"`
	Output            string    `json:"output"`
	Refs              []refV2   `json:"refs,omitempty"`
	AspectRatio       string    `json:"aspect_ratio,omitempty"`
	ImageSize         string    `json:"image_size,omitempty"`
	CallbackURL       string    `json:"callback_url,omitempty"`
	DependsOn         []string  `json:"depends_on,omitempty"`
	IgnoreChanges     []string  `json:"ignore_changes,omitempty"`
	PreventRegenerate bool      `json:"prevent_regenerate,omitempty"`
	Variants          int       `json:"variants,omitempty"`
	Derive            *deriveV2 `json:"derive,omitempty"` // a derive block's instance
	Check             *checkV2  `json:"check,omitempty"`
}

// refV2 is a reference image: kind "url", "file" or "image".
type refV2 struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	Addr  string `json:"addr,omitempty"`
}

type fileHashV2 struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime"`
	Inode   uint64 `json:"inode,omitempty"`
	SHA256  string `json:"sha256"`
	Format  string `json:"format,omitempty"` // the image format of its first bytes
}

type lockImageV2 struct {
	Addr        string `json:"addr"`
	Output      string `json:"output"`
	SHA256      string `json:"sha256"`
	Fingerprint string `json:"fingerprint"`
	Model       string `json:"model"`
	Ignored     string `json:"ignored,omitempty"`
	Pick        string `json:"pick,omitempty"`
}
