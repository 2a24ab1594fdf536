package state

import "time"

// Version is the state file format this build reads and writes.
const Version = 1

// State is the local, gitignored record of what pixform made and what it
// has in flight. Maps serialise with sorted keys, so the file is stable.
type State struct {
	Version int                   `json:"version"`
	Serial  uint64                `json:"serial"`
	Lineage string                `json:"lineage"`
	Assets  map[string]*Asset     `json:"assets"`  // by address
	Pending map[string]*Pending   `json:"pending"` // tasks in flight, by address
	Files   map[string]FileHash   `json:"files"`   // hash cache, by slash path relative to the spec dir
	Models  map[string]ModelStats `json:"models"`  // credits consumed, by model
}

// Asset is one generated (or imported) image.
type Asset struct {
	Addr        string            `json:"addr"`
	Output      string            `json:"output"` // slash path relative to the spec dir
	SHA256      string            `json:"sha256"` // of the output file as written
	Fingerprint string            `json:"fingerprint"`
	Provider    string            `json:"provider"`
	Model       string            `json:"model"`
	Prompt      string            `json:"prompt"`
	Inputs      map[string]string `json:"inputs,omitempty"` // input name -> value or hash, to explain replacements
	Refs        []string          `json:"refs,omitempty"`   // reference identities as written in the spec
	// Ignored names the inputs that lifecycle.ignore_changes kept at these
	// earlier values; the lockfile records them so a fresh clone can too.
	Ignored     []string  `json:"ignored,omitempty"`
	TaskID      string    `json:"task_id,omitempty"`
	Consumed    float64   `json:"consumed,omitempty"`
	GeneratedAt time.Time `json:"generated_at"`
	// Sensitive records that the prompt derived from a sensitive variable,
	// so that show, state show and gallery redact it without the values
	// the apply was given (-var, -var-file).
	Sensitive bool `json:"sensitive,omitempty"`
	// Pick is the sha256 of the candidate picked with pixform pick (then
	// SHA256 too), "" when none was.
	Pick string `json:"pick,omitempty"`
}

// Pending is a task whose result has not landed yet. TaskID is empty while
// only the intent is recorded: the submission may have been accepted by the
// service without pixform learning its id.
type Pending struct {
	Addr        string    `json:"addr"`
	Fingerprint string    `json:"fingerprint"`
	Provider    string    `json:"provider"`
	Model       string    `json:"model"`
	TaskID      string    `json:"task_id,omitempty"`
	IntentAt    time.Time `json:"intent_at"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	// Unsent records that no request of this intent may have been accepted:
	// the last one was refused (a 429) and the next has not left yet.
	Unsent bool `json:"unsent,omitempty"`
	// Ambiguous records that an apply gave up on this image after the
	// answers to its submissions were lost: the service may have accepted
	// (and charged for) them. The next apply submits it again only when
	// told to (-resubmit-ambiguous, -replace).
	Ambiguous bool `json:"ambiguous,omitempty"`
	// Counted records that an apply saw the task final and counted its
	// credits in its summary: an apply resuming it counts them no more.
	Counted bool `json:"counted,omitempty"`
}

// FileHash caches a file's sha256 under its (size, mtime, inode), and the
// image format its first bytes name ("png", "jpeg", "webp"; empty when it
// is not an image or was not looked at).
type FileHash struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime"` // UnixNano
	Inode   uint64 `json:"inode,omitempty"`
	SHA256  string `json:"sha256"`
	Format  string `json:"format,omitempty"`
}

// ModelStats is the spending history of one model, for cost estimates.
type ModelStats struct {
	Tasks    int     `json:"tasks"`
	Consumed float64 `json:"consumed"`
}

// Lock is the committed lockfile, pixform.lock.hcl: what a teammate needs to
// see "No changes" on a fresh clone. Images are sorted by address.
type Lock struct {
	Images []LockImage
}

// LockImage is one image of the lockfile.
type LockImage struct {
	Addr        string
	Output      string
	SHA256      string
	Fingerprint string
	Model       string
	// Ignored is a JSON object of the inputs ignore_changes kept at earlier
	// values ("" for none): with it a fresh clone computes the same
	// fingerprint. A string, so LockImage stays comparable.
	Ignored string
	// Pick is the sha256 of the candidate picked with pixform pick, "" when
	// none was (written only then: older lockfiles read as before).
	Pick string
}
