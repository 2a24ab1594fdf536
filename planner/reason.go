package planner

import "strings"

// ReasonCode names why a change is planned. The codes are part of what
// plan -json prints (README, "Reason codes"); the words people read are
// made from a Reason by the CLI, never here.
type ReasonCode string

// The reason codes, with the fields of Reason each one fills.
const (
	ReasonNew                 ReasonCode = "new"                  // in neither state nor lockfile
	ReasonFileInTheWay        ReasonCode = "file_in_the_way"      // Path: a file not made by pixform is at the output
	ReasonReplaceRequested    ReasonCode = "replace_requested"    // -replace named it
	ReasonUpstreamRegenerated ReasonCode = "upstream_regenerated" // Addr: an image it references is regenerated first
	ReasonLockfileMismatch    ReasonCode = "lockfile_mismatch"    // the lockfile's fingerprint differs; it records no inputs
	ReasonInputChanged        ReasonCode = "input_changed"        // Input, From, To (either "" when added or removed)
	ReasonMoved               ReasonCode = "moved"                // From: the address a moved block renames it from
	ReasonParked              ReasonCode = "parked"               // Path: output; From: where a stopped swap parked it
	ReasonOutputMissing       ReasonCode = "output_missing"       // Path
	ReasonOutputEdited        ReasonCode = "output_edited"        // Path: edited by hand, kept (drift)
	ReasonTaskResumed         ReasonCode = "task_resumed"         // TaskID: paid for by an earlier apply
	ReasonOutputPathChanged   ReasonCode = "output_path_changed"  // From, To; Addr: the image moving away from To, if any; Detail "already_there"
	ReasonOldOutputGone       ReasonCode = "old_output_gone"      // From (gone or edited), To
	ReasonRemoved             ReasonCode = "removed"              // no longer in the spec
	ReasonPathReused          ReasonCode = "path_reused"          // Path, Addr: another image is recorded there now
	ReasonOutputUnreadable    ReasonCode = "output_unreadable"    // Path, Detail: the error
	ReasonOutputGone          ReasonCode = "output_gone"          // Path: already deleted
	ReasonRemovedEdited       ReasonCode = "removed_edited"       // Path: edited by hand, kept
	ReasonRestoredFromStore   ReasonCode = "restored_from_store"  // From: the stored image's sha256; Detail: when it was made (RFC 3339)
	ReasonVariantsMissing     ReasonCode = "variants_missing"     // Detail: "held/variants", the candidates the store holds of how many
	ReasonSourceChanged       ReasonCode = "source_changed"       // a derive: Addr: its source, whose output's bytes changed (From, To: sha256)
	ReasonOpsChanged          ReasonCode = "ops_changed"          // a derive: its operations, format or encoder changed (From, To: their descriptions)
)

// Reason is one reason for a change: a code and its details.
type Reason struct {
	Code   ReasonCode
	Input  string // input_changed: the input's name (prompt, model, images[0], ...)
	From   string // the value, path or address before
	To     string // the value or path after
	Path   string // the file concerned
	Addr   string // the other image concerned
	TaskID string // task_resumed
	Detail string // a code-specific detail (see the constants)
}

// describeReasons names reasons tersely for a diagnostic of the planner's
// own: the input that changed, or the code in words. The plan's words for
// people are the CLI's.
func describeReasons(rs []Reason) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString("; ")
		}
		switch r.Code {
		case ReasonInputChanged:
			b.WriteString(r.Input + " changed")
		case ReasonReplaceRequested:
			b.WriteString("replacement requested with -replace")
		case ReasonUpstreamRegenerated:
			b.WriteString(r.Addr + " it references is regenerated")
		default:
			b.WriteString(strings.ReplaceAll(string(r.Code), "_", " "))
		}
	}
	return b.String()
}
