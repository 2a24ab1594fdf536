package executor

import "fmt"

// StaleError is a change whose inputs are not what the plan saw: what apply
// would send has another fingerprint than the plan's (a reference file
// changed since, say). Nothing is submitted for it.
type StaleError struct {
	Addr         string
	Planned, Got string // fingerprints
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("not submitted: what %s would be generated from changed since the plan (fingerprint %s, planned %s)", e.Addr, shortFP(e.Got), shortFP(e.Planned))
}

func shortFP(fp string) string {
	if len(fp) > len("sha256:")+12 {
		return fp[:len("sha256:")+12] + "…"
	}
	return fp
}
