package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/spec"
)

// resumeFlags are the apply flags that take over what an earlier apply
// could not finish: task ids it learnt but could not record, and images
// whose submissions lost their answers.
type resumeFlags struct {
	tasks     multi // -resume-task=ADDR=ID
	ambiguous bool  // -resubmit-ambiguous
}

func (r *resumeFlags) register(fs *flag.FlagSet) {
	fs.Var(&r.tasks, "resume-task", "wait on task `ADDR=ID` instead of submitting ADDR: a task an earlier apply learnt but could not record (repeatable)")
	fs.BoolVar(&r.ambiguous, "resubmit-ambiguous", false, "submit again the images an earlier apply gave up on after the answers to their submissions were lost (each may be paid again)")
}

// parse checks the flags and returns the tasks by canonical address.
func (r *resumeFlags) parse() (map[string]string, error) {
	tasks := map[string]string{}
	for _, s := range r.tasks {
		i := strings.LastIndex(s, "=")
		if i <= 0 || i == len(s)-1 {
			return nil, fmt.Errorf("-resume-task=%s: give the image and the task id as ADDR=ID, such as -resume-task=image.logo=ta_123 (the end of an apply that could not record a task prints the exact flag).", s)
		}
		addr, err := spec.ParseAddr(s[:i])
		if err != nil {
			return nil, fmt.Errorf("-resume-task=%s: %v", s, err)
		}
		if id := tasks[addr]; id != "" && id != s[i+1:] {
			return nil, fmt.Errorf("-resume-task names two tasks for %s (%s and %s): an image waits on one task; give one.", addr, id, s[i+1:])
		}
		tasks[addr] = s[i+1:]
	}
	return tasks, nil
}

// writeUnrecorded names, for people, the tasks whose ids the state could
// not record, with the flags that let the next apply resume them.
func writeUnrecorded(w io.Writer, pt painter, tasks []executor.KnownTask) {
	if len(tasks) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s %d task(s) were accepted, and may be paid for, but could not be recorded in .pixform (%v); their images did not land:\n",
		pt.paint(colorChanged, "Warning:"), len(tasks), tasks[0].Err)
	flags := make([]string, 0, len(tasks))
	for _, k := range tasks {
		fmt.Fprintf(w, "  %s: task %s\n", k.Addr, k.TaskID)
		flags = append(flags, shellWord(k.ResumeFlag()))
	}
	fmt.Fprintf(w, "Once .pixform can be written again (free space, or fix its permissions), resume them without paying again:\n  pixform apply %s\n", strings.Join(flags, " "))
}

// shellWord quotes s for a POSIX shell when it holds more than letters,
// digits and ._=-/: (for_each keys put brackets and quotes in addresses).
func shellWord(s string) string {
	if strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._=-/:") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
