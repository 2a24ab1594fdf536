package executor

import (
	"fmt"

	"github.com/pixform/pixform/derive"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
)

// CheckOf converts a check block's plain data into the derive package's
// Check.
func CheckOf(c *spec.Check) derive.Check {
	return derive.Check{Width: c.Width, Height: c.Height, Aspect: c.Aspect, AspectTolerance: c.AspectTolerance,
		AlphaRequired: c.Alpha, MaxBytes: c.MaxBytes}
}

// CheckError is an output that landed, and is kept and recorded (it was
// paid for), but fails its check block.
type CheckError struct {
	Addr       string
	Violations derive.Violations
}

func (e *CheckError) Error() string {
	return fmt.Sprintf("%v (the output is kept and recorded: fix the check, or -replace it)", e.Violations.Error())
}

// checkOutput measures the output of a change that landed against its
// check block: nil when it passes.
func (e *executor) checkOutput(ch *planner.Change) error {
	a := ch.Asset
	f, err := e.opts.Fs.Open(e.path(a.Output))
	if err != nil {
		return fmt.Errorf("check %s: %w", a.Output, err)
	}
	defer f.Close()
	m, err := derive.Measure(f)
	if err != nil {
		return fmt.Errorf("check %s: %w", a.Output, err)
	}
	if vs := CheckOf(a.Check).Evaluate(m); len(vs) > 0 {
		return &CheckError{Addr: a.Addr, Violations: vs}
	}
	return nil
}
