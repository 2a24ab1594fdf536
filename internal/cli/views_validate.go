package cli

import (
	"fmt"
	"time"

	"github.com/pixform/pixform/spec"
)

// validateView is what validate reports besides diagnostics: whether the
// spec is valid.
type validateView interface {
	view
	// Validated closes validate; sp may be nil when ok is false.
	Validated(sp *spec.Spec, ok bool)
}

// verifyView is what verify reports: each output that differs from the
// lockfile and the verdict, or why there was nothing to verify.
type verifyView interface {
	view
	Verified(images int, bad []mismatch)
	NothingToVerify(msg string)
}

var (
	_ validateView = (*humanView)(nil)
	_ validateView = (*jsonView)(nil)
	_ verifyView   = (*humanView)(nil)
	_ verifyView   = (*jsonView)(nil)
)

// Validated says so when the spec is valid; the diagnostics said why not.
func (v *humanView) Validated(sp *spec.Spec, ok bool) {
	if ok {
		fmt.Fprintf(v.e.stdout, "Success! The spec is valid: %d image(s) in %d file(s).\n", len(sp.Assets), len(sp.Files))
	}
}

// Validated reports one "validate" object, valid or not.
func (v *jsonView) Validated(sp *spec.Spec, ok bool) { v.j.validated(sp, ok) }

func (v *humanView) Verified(images int, bad []mismatch) {
	for _, m := range bad {
		fmt.Fprintf(v.e.stdout, "%s (%s): %s%s.\n", m.Addr, m.Output, m.Detail, verifyAdvice(m))
	}
	if len(bad) > 0 {
		fmt.Fprintln(v.e.stdout)
	}
	fmt.Fprintln(v.e.stdout, verifyLine(images, bad))
}

func (v *jsonView) Verified(images int, bad []mismatch) {
	for _, m := range bad {
		v.j.emit("error", "verify_mismatch", fmt.Sprintf("%s (%s): %s", m.Addr, m.Output, m.Detail), time.Time{}, map[string]any{"mismatch": m})
	}
	v.j.value("verify", verifyLine(images, bad), map[string]any{"images": images, "mismatches": len(bad), "ok": len(bad) == 0})
}

func (v *humanView) NothingToVerify(msg string) { fmt.Fprintln(v.e.stdout, msg) }

func (v *jsonView) NothingToVerify(msg string) {
	v.j.value("verify", msg, map[string]any{"images": 0, "mismatches": 0, "ok": true})
}
