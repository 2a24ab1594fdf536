package cli

import (
	"github.com/pixform/pixform/state"
)

func runShow(e *env, args []string) int {
	a, err := parseShow(args)
	if a != nil {
		e.workspace = a.workspace
	}
	if err != nil {
		return e.argError(err)
	}
	v := showView(e.useView(a.json))
	if err := a.check(); err != nil {
		return e.errorf("%v", err)
	}
	if len(a.planFile) > 0 { // a plan saved by plan -out (planfile.go)
		return e.showPlanFile(a.planFile[0], v)
	}
	st, err := e.loadState() // backend.go: local or pg
	if err != nil {
		return e.errorf("%v", err)
	}
	locked := 0
	if len(st.Assets) == 0 && len(st.Pending) == 0 {
		if lock, err := state.ReadLock(e.fs, e.dir); err == nil {
			locked = len(lock.Images)
		}
	}
	v.State(st, e.sensitiveAddrs(st), locked)
	return ExitOK
}
