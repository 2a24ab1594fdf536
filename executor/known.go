package executor

import (
	"errors"
	"fmt"
	"sort"

	"github.com/pixform/pixform/planner"
)

// KnownTask is a task whose id pixform learnt but could not record in the
// state (a full disk, say) and whose image did not land and get recorded:
// the next apply resumes it only when given -resume-task=Addr=TaskID.
type KnownTask struct {
	Addr   string
	TaskID string
	Err    error // why it could not be recorded
}

// ResumeFlag is the apply flag that resumes the task.
func (k KnownTask) ResumeFlag() string { return "-resume-task=" + k.Addr + "=" + k.TaskID }

// ErrAmbiguous marks an image whose submissions lost their answers, so
// that the service may have charged for them unrecorded: the apply that
// gave up on it, and the next, which does not submit it again unless
// Options.ResubmitAmbiguous or Options.Resubmit allows it.
var ErrAmbiguous = errors.New("the service may have accepted (and charged for) a submission without pixform learning its task id")

// CheckResume refuses tasks given to resume (Options.ResumeTasks) for
// images the plan does not generate: nothing would wait on them.
func CheckResume(p *planner.Plan, tasks map[string]string) error {
	gen := map[string]bool{}
	for _, ch := range p.Changes {
		if ch.Action.Generates() {
			gen[ch.Addr] = true
		}
	}
	addrs := make([]string, 0, len(tasks))
	for addr := range tasks {
		addrs = append(addrs, addr)
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		if !gen[addr] {
			return fmt.Errorf("-resume-task=%s=%s: this plan does not generate %s (it is up to date, or not in the spec), so nothing would wait on the task; leave the flag out", addr, tasks[addr], addr)
		}
	}
	return nil
}

// keep remembers a task id the state could not record.
func (e *executor) keep(addr, id string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.known == nil {
		e.known = map[string]KnownTask{}
	}
	e.known[addr] = KnownTask{Addr: addr, TaskID: id, Err: err}
}

// settled drops the kept task of addr: its image landed and was recorded,
// or the task ended without an image to resume.
func (e *executor) settled(addr string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.known, addr)
}

// knownTasks lists the kept tasks by address.
func (e *executor) knownTasks() []KnownTask {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]KnownTask, 0, len(e.known))
	for _, k := range e.known {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Addr < out[j].Addr })
	return out
}

// whereKept says how the next apply finds the task of addr: the state, or
// the -resume-task flag when the state could not record it.
func (e *executor) whereKept(addr, id string) string {
	e.mu.Lock()
	k, unrecorded := e.known[addr]
	e.mu.Unlock()
	if unrecorded && k.TaskID == id {
		return fmt.Sprintf("it could not be recorded: apply again with %s to resume it without paying again", k.ResumeFlag())
	}
	return "it stays recorded: the next apply resumes it"
}

// mayResubmit reports whether the user allowed submitting addr again
// after an earlier apply gave up on lost answers.
func (e *executor) mayResubmit(addr string) bool {
	if e.opts.ResubmitAmbiguous {
		return true
	}
	for _, a := range e.opts.Resubmit {
		if a == addr {
			return true
		}
	}
	return false
}
