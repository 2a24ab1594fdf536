package cli

import (
	"github.com/pixform/pixform/state"
)

func runShow(e *env, args []string) int {
	fs := newFlags(e, "show", "show [-json] [PLANFILE]")
	asJSON := fs.Bool("json", false, "print JSON for machines: the state as one \"state\" object, or a saved plan's changes")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	v := showView(e.useView(*asJSON))
	if fs.NArg() > 0 { // a plan saved by plan -out (planfile.go)
		return e.showPlanFile(fs.Args(), v)
	}
	st, err := state.Load(e.fs, e.dir)
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
