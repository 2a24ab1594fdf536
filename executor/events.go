package executor

import "time"

// EventKind names what happened.
type EventKind string

// The events of an apply, in the order an image meets them.
const (
	EventStart     EventKind = "start"     // the image's generation began
	EventSubmitted EventKind = "submitted" // the task was accepted; TaskID set
	EventResumed   EventKind = "resumed"   // a task recorded by an earlier apply is awaited again
	EventStatus    EventKind = "status"    // the task's status changed
	EventDownload  EventKind = "download"  // the image is being fetched
	EventDone      EventKind = "done"      // the image is written and recorded
	EventFailed    EventKind = "failed"    // the image failed; Message says why
	EventSkipped   EventKind = "skipped"   // not attempted: an upstream failed, or apply stopped
	EventMoved     EventKind = "moved"     // the output moved to a new path
	EventDeleted   EventKind = "deleted"   // the output was deleted and forgotten
	EventForgotten EventKind = "forgotten" // a record was dropped, its file not deleted; Message says why ("a.png is kept", "a.png was already gone")
	EventWarning   EventKind = "warning"   // something the user must know; Message says what
	EventRestored  EventKind = "restored"  // the output was copied back from the store, no credits
)

// Event is one step of an apply.
type Event struct {
	Kind     EventKind
	Addr     string
	TaskID   string
	Status   string
	Message  string
	Consumed float64
	Elapsed  time.Duration // since the image started, on done and failed
	Time     time.Time
}

// Failure is an image that did not land.
type Failure struct {
	Addr string
	Err  error
}

// Summary closes an apply.
type Summary struct {
	Generated, Failed, Skipped, Moved, Deleted int
	Forgotten                                  int // records dropped, outputs already gone or kept
	Restored                                   int // outputs copied back from the store
	Derived                                    int // derives built (0 credits)
	Consumed                                   float64
	Duration                                   time.Duration
	Failures                                   []Failure
	Stopped                                    bool // interrupted or out of budget before the end
	// Unrecorded are the tasks whose ids the state could not record and
	// whose images did not land: the next apply needs their -resume-task.
	Unrecorded []KnownTask
}
