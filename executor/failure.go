package executor

import (
	"errors"
	"fmt"

	"github.com/pixform/pixform/provider"
)

// The executor's failures carry kinds, not prose to match: the CLI picks
// its hints with errors.As and provider.KindOf. None names an environment
// variable: which one holds a provider's key is the CLI's to say.

// StoppedError is an image not submitted because the service refused the
// key (provider.KindAuth) or the account (provider.KindAccount) earlier in
// this apply: no submission could succeed. provider.KindOf reports Kind.
type StoppedError struct{ Kind provider.Kind }

func (e *StoppedError) Error() string {
	if e.Kind == provider.KindAccount {
		return "not submitted: the service refused the account earlier in this apply (out of balance or disabled)"
	}
	return "not submitted: the API key was refused earlier in this apply"
}

// Unwrap gives a provider error of the same kind, for provider.KindOf.
func (e *StoppedError) Unwrap() error { return &provider.Error{Kind: e.Kind, Op: "submit"} }

// TaskFailedError is a task the service ended as failed, with its reason.
type TaskFailedError struct{ TaskID, Reason string }

func (e *TaskFailedError) Error() string {
	reason := e.Reason
	if reason == "" {
		reason = "the service gave no reason"
	}
	return fmt.Sprintf("task %s failed: %s", e.TaskID, reason)
}

// TextAnswerError is a task that succeeded with words instead of an image.
// Text was escaped where it entered (provider.Printable).
type TextAnswerError struct{ TaskID, Text string }

func (e *TextAnswerError) Error() string {
	return fmt.Sprintf("task %s answered with text instead of an image: \"%s\"", e.TaskID, e.Text)
}

// isStopped reports whether err leaves an image skipped rather than failed:
// apply was interrupted, the budget is spent, or the service refused the
// key or account earlier.
func isStopped(err error) bool {
	var se *StoppedError
	return errors.Is(err, errBudget) || errors.As(err, &se)
}
