// Package cli is pixform's command line: Run parses the global flags and
// dispatches to one command per file (validate, plan, apply, show, ...).
// The command tree is built on every call, so tests run the CLI many times
// in one process. cli wires spec, state, planner, executor and the
// providers together and renders plans, events and diagnostics for people
// and machines; the packages it calls know nothing of it.
//
// A command runs as arguments → command → view:
//
//   - Arguments (arguments*.go): parseX(args) turns a command line into one
//     typed struct per command (planArguments, applyArguments, ...). A line
//     the flag package refuses, or -h, comes back as a *parseError; checks
//     of the values come back as errors (check methods), never printed.
//   - Command (plan.go, apply.go, ...; runX): picks its view once with
//     e.useView(args.json), works on values, and returns an exit code.
//     Helpers return (T, error); the command hands errors to e.fail, which
//     gives them to the view. No command asks which output mode it has.
//   - Views (views*.go): one interface per command with -json (planView,
//     applyView, showView, validateView, verifyView), implemented by
//     humanView (text; errors and diagnostics on stderr with hcl's
//     writer) and jsonView (one object per line, jsonui*.go). Every error
//     is rendered by view.Error: *diagError as diagnostics, *parseError as
//     the flag package's words, others as "Error: ..." or a diagnostic.
//   - An apply's executor events go to an applyReporter from
//     applyView.Reporter: the plain printer (events.go), the live terminal
//     display (progress*.go) or the JSON hooks (jsonui_apply.go).
//
// Where a change goes: a new command is a runX in its own file plus a line
// in commands() (cli.go); its flags are a parseX and a struct in
// arguments*.go. A new flag is a field of that struct. New output is a
// method on the command's view interface, written once for humanView and
// once for jsonView; a new output mode is a third implementation of the
// view interfaces, chosen in useView (views.go), the only place that
// knows the mode.
package cli
