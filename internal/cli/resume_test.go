package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pixform/pixform/executor"
)

// Task ids the state could not record are named at the end, each with
// its image, with the flags that resume them; -json carries them too.
func TestUnrecordedTasksReported(t *testing.T) {
	err := &writeErr{syscall.ENOSPC}
	sum := executor.Summary{Failed: 2, Unrecorded: []executor.KnownTask{
		{Addr: "image.a", TaskID: "ta_1", Err: err}, {Addr: `image.b["x"]`, TaskID: "ta_2", Err: err},
	}}

	var buf bytes.Buffer
	writeUnrecorded(&buf, painter{}, sum.Unrecorded)
	out := buf.String()
	for _, want := range []string{
		"2 task(s) were accepted, and may be paid for, but could not be recorded in .pixform (write state journal: no space left on device)",
		"  image.a: task ta_1\n",
		"  image.b[\"x\"]: task ta_2\n",
		"pixform apply -resume-task=image.a=ta_1 '-resume-task=image.b[\"x\"]=ta_2'\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("got:\n%s\nwant it to contain %q", out, want)
		}
	}

	buf.Reset()
	j := newJSONUI(&buf, "/spec")
	j.summary(sum, false, func(string) string { return "" })
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	want := []any{
		map[string]any{"addr": "image.a", "task_id": "ta_1", "resume_flag": "-resume-task=image.a=ta_1", "error": err.Error()},
		map[string]any{"addr": `image.b["x"]`, "task_id": "ta_2", "resume_flag": `-resume-task=image.b["x"]=ta_2`, "error": err.Error()},
	}
	if diff := cmp.Diff(want, last["summary"].(map[string]any)["unrecorded_tasks"]); diff != "" {
		t.Errorf("unrecorded_tasks (-want +got):\n%s", diff)
	}
	if n := strings.Count(buf.String(), `"type":"diagnostic"`); n != 2 {
		t.Errorf("got %d diagnostics, want one warning a task:\n%s", n, buf.String())
	}
}

type writeErr struct{ err error }

func (e *writeErr) Error() string { return "write state journal: " + e.err.Error() }
func (e *writeErr) Unwrap() error { return e.err }
