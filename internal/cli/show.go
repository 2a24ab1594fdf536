package cli

import (
	"fmt"
	"sort"

	"github.com/pixform/pixform/state"
)

func runShow(e *env, args []string) int {
	fs := newFlags(e, "show", "show [-json] [PLANFILE]")
	asJSON := fs.Bool("json", false, "print JSON for machines: the state as one \"state\" object, or a saved plan's changes")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *asJSON {
		e.json = newJSONUI(e.stdout, e.dir)
		e.json.version()
	}
	if fs.NArg() > 0 { // a plan saved by plan -out (planfile.go)
		return e.showPlanFile(fs.Args())
	}
	st, err := state.Load(e.fs, e.dir)
	if err != nil {
		return e.errorf("%v", err)
	}
	if e.json != nil {
		e.json.state(st, e.sensitiveAddrs(st))
		return ExitOK
	}
	if len(st.Assets) == 0 && len(st.Pending) == 0 {
		if lock, err := state.ReadLock(e.fs, e.dir); err == nil && len(lock.Images) > 0 { // a fresh clone
			fmt.Fprintf(e.stdout, "The state is empty: no apply ran in this copy of the project, but %s records %d image(s). "+
				"'pixform state show ADDR' shows one; 'pixform plan' compares them with the spec.\n", state.LockfileName, len(lock.Images))
			return ExitOK
		}
		fmt.Fprintln(e.stdout, "The state is empty: no image was generated here yet. Run 'pixform apply'.")
		return ExitOK
	}
	addrs := make([]string, 0, len(st.Assets))
	for addr := range st.Assets {
		addrs = append(addrs, addr)
	}
	sort.Strings(addrs)
	sensitive := e.sensitiveAddrs(st)
	for _, addr := range addrs {
		a := st.Assets[addr]
		fmt.Fprintf(e.stdout, "# %s\n", addr)
		fmt.Fprintf(e.stdout, "  output       = %q\n  sha256       = %q\n  model        = %q\n  prompt       = %s\n",
			a.Output, a.SHA256, a.Model, shortPrompt(a.Prompt, sensitive[addr]))
		if a.TaskID != "" {
			fmt.Fprintf(e.stdout, "  task_id      = %q\n  consumed     = %.2f\n", a.TaskID, a.Consumed)
		}
		if !a.GeneratedAt.IsZero() {
			fmt.Fprintf(e.stdout, "  generated_at = %q\n", a.GeneratedAt.Format("2006-01-02T15:04:05Z07:00"))
		}
		fmt.Fprintln(e.stdout)
	}
	e.pendingNote(st)
	return ExitOK
}
