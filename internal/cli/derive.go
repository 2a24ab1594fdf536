package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/pixform/pixform/derive"
	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
)

// checkDerives checks every check block, and the settings of every derive
// (sizes, fits, filters, formats, qualities), with the derive package, and
// fills in each derive's description, which its fingerprint hashes. A
// refused setting is a diagnostic at the check block, operation block,
// format or quality it comes from.
func checkDerives(sp *spec.Spec) hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[*spec.Derive]bool{}
	for _, a := range sp.Assets {
		if c := a.Check; c != nil {
			if err := executor.CheckOf(c).Validate(); err != nil {
				rng := c.Range
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid check",
					Detail: "The check of " + a.Addr + " cannot be applied: " + err.Error() + ".", Subject: &rng})
			}
		}
		d := a.Derive
		if d == nil || seen[d] {
			continue
		}
		seen[d] = true
		ops, enc, err := executor.DeriveSettings(d)
		if err == nil {
			d.Describe = derive.Describe(ops, enc)
			continue
		}
		var se *executor.SettingError
		rng := a.DeclRange
		if errors.As(err, &se) {
			switch {
			case se.Op >= 0 && se.Op < len(d.Ops):
				rng = d.Ops[se.Op].Range
			case se.Quality:
				rng = d.QualityRange
			default:
				rng = d.FormatRange
			}
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid derive setting",
			Detail:   "The derive " + a.Addr + " cannot be built: " + err.Error() + ".",
			Subject:  &rng,
		})
	}
	return diags
}

// derives names the derives of a plan in its closing line, when there are
// some: they cost no credits.
func derives(c planner.Counts) string {
	if c.Derive == 0 {
		return ""
	}
	return fmt.Sprintf(", %d to derive", c.Derive)
}

// writeDerive shows what a derive is built from.
func writeDerive(w io.Writer, ch *planner.Change) {
	a := ch.Asset
	if a == nil || a.Derive == nil {
		return
	}
	src := a.Derive.Source
	if len(a.Refs) == 1 {
		src += " (" + a.Refs[0].Value + ")"
	}
	fmt.Fprintf(w, "      from:   %s\n", src)
	fmt.Fprintf(w, "      build:  %s, on this machine, no credits\n", describeShort(a.Derive.Describe))
}

// describeShort is a derive's description without its version prefix and
// without the encoder's library (in parentheses).
func describeShort(s string) string {
	if _, rest, ok := strings.Cut(s, " "); ok && strings.HasPrefix(s, "derive/") {
		s = rest
	}
	if i := strings.Index(s, " ("); i >= 0 {
		if j := strings.Index(s[i:], ")"); j >= 0 {
			s = s[:i] + s[i+j+1:]
		}
	}
	return s
}

// derived is ", N derived" for an apply's closing line, when there are some.
func derived(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d derived", n)
}

// startVerb says what starting on an asset means: a derive is built here.
func startVerb(addr string) string {
	if strings.HasPrefix(addr, "derive.") {
		return "deriving"
	}
	return "generating"
}
