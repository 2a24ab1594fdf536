package cli

import (
	"fmt"
	"strings"

	"github.com/pixform/pixform/planner"
)

// reasonText is the words a person reads for one reason of a change: the
// planner hands over codes and details, the CLI says them, and adds the
// command to run where there is one.
func reasonText(ch *planner.Change, r planner.Reason) string {
	switch r.Code {
	case planner.ReasonNew:
		return "not in state or lockfile"
	case planner.ReasonFileInTheWay:
		return fmt.Sprintf("a file is already at %s: it will be replaced; to keep it instead, run 'pixform import %s %s'", r.Path, ch.Addr, r.Path)
	case planner.ReasonReplaceRequested:
		return "replacement requested with -replace"
	case planner.ReasonUpstreamRegenerated:
		return r.Addr + " it references will be regenerated: fingerprint known after apply"
	case planner.ReasonLockfileMismatch:
		return "inputs differ from the fingerprint in the lockfile"
	case planner.ReasonInputChanged:
		return inputChangeText(r)
	case planner.ReasonMoved:
		return "moved from " + r.From
	case planner.ReasonParked:
		return fmt.Sprintf("output file %s was parked at %s by an apply that stopped", r.Path, r.From)
	case planner.ReasonOutputMissing:
		return fmt.Sprintf("output file %s is missing", r.Path)
	case planner.ReasonOutputEdited:
		return fmt.Sprintf("output file %s was edited by hand: kept; use -replace=%s to regenerate, or 'pixform accept %s' to keep the edit as the image", r.Path, ch.Addr, ch.Addr)
	case planner.ReasonTaskResumed:
		return fmt.Sprintf("task %s of an earlier apply is resumed: already paid for", r.TaskID)
	case planner.ReasonOutputPathChanged:
		switch {
		case r.Addr != "":
			return fmt.Sprintf("output path changed: %s -> %s (%s moves away from it)", r.From, r.To, r.Addr)
		case r.Detail == "already_there":
			return fmt.Sprintf("output path changed: %s -> %s (file already there)", r.From, r.To)
		}
		return fmt.Sprintf("output path changed: %s -> %s", r.From, r.To)
	case planner.ReasonOldOutputGone:
		return fmt.Sprintf("output path changed to %s and the old file %s is gone or edited", r.To, r.From)
	case planner.ReasonRemoved:
		return "removed from the spec"
	case planner.ReasonPathReused:
		return fmt.Sprintf("%s is recorded for %s now: the file is kept, only this record is dropped", r.Path, r.Addr)
	case planner.ReasonOutputUnreadable:
		return fmt.Sprintf("its output cannot be read (%s): the file is kept, only the record is dropped", r.Detail)
	case planner.ReasonOutputGone:
		return fmt.Sprintf("its output %s is already gone: only the record is dropped", r.Path)
	case planner.ReasonRestoredFromStore:
		return fmt.Sprintf("the store holds it, generated %s (%s): copied back, no credits; use -replace=%s to pay for a new one", storedDate(r.Detail), shortSum(r.From), ch.Addr)
	case planner.ReasonVariantsMissing:
		held, want, _ := strings.Cut(r.Detail, "/")
		return fmt.Sprintf("variants = %s, and the store holds %s candidate(s) of these inputs", want, held)
	case planner.ReasonRemovedEdited:
		return fmt.Sprintf("its output %s was edited by hand: the file is kept, only the record is dropped", r.Path)
	case planner.ReasonSourceChanged:
		return fmt.Sprintf("its source %s changed: %s -> %s", r.Addr, shortInput(r.From), shortInput(r.To))
	case planner.ReasonOpsChanged:
		return fmt.Sprintf("its operations or format changed: %s -> %s", describeShort(r.From), describeShort(r.To))
	}
	return strings.ReplaceAll(string(r.Code), "_", " ")
}

// inputChangeText says how one input changed; a prompt only that it did
// (the plan shows both prompts, or neither when one is sensitive).
func inputChangeText(r planner.Reason) string {
	switch {
	case r.Input == "prompt":
		return "prompt changed"
	case r.From == "":
		return fmt.Sprintf("%s added: %s", r.Input, shortInput(r.To))
	case r.To == "":
		return fmt.Sprintf("%s removed (was %s)", r.Input, shortInput(r.From))
	}
	return fmt.Sprintf("%s changed: %s -> %s", r.Input, shortInput(r.From), shortInput(r.To))
}

// shortInput shows an input value: a content hash by its first digits.
func shortInput(s string) string {
	if strings.HasPrefix(s, "file:sha256:") || strings.HasPrefix(s, "asset:sha256:") {
		i := strings.Index(s, "sha256:") + len("sha256:")
		if len(s) > i+12 {
			return s[:i+12] + "…"
		}
	}
	return fmt.Sprintf("%q", s)
}

// reasonTexts are the words of every reason of a change.
func reasonTexts(ch *planner.Change) []string {
	out := make([]string, len(ch.Reasons))
	for i, r := range ch.Reasons {
		out[i] = reasonText(ch, r)
	}
	return out
}

// reasonJSON is one reason as plan -json carries it: the code and the
// details that apply to it. A prompt's values are left out: the change
// carries the prompts itself, redacted where they are sensitive.
func reasonJSON(r planner.Reason) map[string]any {
	m := map[string]any{"code": string(r.Code)}
	for k, v := range map[string]string{"input": r.Input, "from": r.From, "to": r.To, "path": r.Path, "addr": r.Addr, "task_id": r.TaskID, "detail": r.Detail} {
		if v != "" {
			m[k] = v
		}
	}
	if r.Code == planner.ReasonInputChanged && r.Input == "prompt" {
		delete(m, "from")
		delete(m, "to")
	}
	return m
}
