package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func TestParseErrorsAreValues(t *testing.T) {
	tests := []struct {
		name     string
		parse    func() error
		wantHelp bool
		wantFlag bool   // a *parseError, with the flag package's words
		want     string // in the error's text
	}{
		{"plan -h", func() error { _, err := parsePlan([]string{"-h"}); return err }, true, true, "Usage: pixform plan"},
		{"plan bad flag", func() error { _, err := parsePlan([]string{"-bogus"}); return err }, false, true, "flag provided but not defined: -bogus"},
		{"plan argument", func() error { _, err := parsePlan([]string{"x"}); return err }, false, false, "plan takes no arguments"},
		{"validate argument", func() error { _, err := parseValidate([]string{"x"}); return err }, false, false, "validate takes no arguments"},
		{"verify argument", func() error { _, err := parseVerify([]string{"x"}); return err }, false, false, "verify takes no arguments"},
		{"show two files", func() error {
			a, err := parseShow([]string{"a", "b"})
			if err != nil {
				return err
			}
			return a.check()
		}, false, false, "show takes one saved plan file"},
		{"apply -json without -auto-approve, checked before -parallelism", func() error {
			a, err := parseApply([]string{"-json", "-parallelism=0"})
			if err != nil {
				return err
			}
			return a.check()
		}, false, false, "apply -json needs -auto-approve"},
		{"apply negative budget first", func() error {
			a, err := parseApply([]string{"-max-credits=-1", "-parallelism=0"})
			if err != nil {
				return err
			}
			return a.check()
		}, false, false, "a budget cannot be negative"},
		{"apply bad -resume-task", func() error {
			a, err := parseApply([]string{"-resume-task=x"})
			if err != nil {
				return err
			}
			return a.check()
		}, false, false, "-resume-task=x: give the image and the task id"},
		{"apply plan file with -target", func() error {
			a, err := parseApply([]string{"-target=image.a", "plan.out"})
			if err != nil {
				return err
			}
			return a.check()
		}, false, false, "apply takes one saved plan file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse()
			if err == nil {
				t.Fatalf("got no error, want one with %q", tt.want)
			}
			var pe *parseError
			if got := errors.As(err, &pe); got != tt.wantFlag {
				t.Fatalf("got a *parseError %v, want %v (%v)", got, tt.wantFlag, err)
			}
			if pe != nil && pe.help != tt.wantHelp {
				t.Errorf("got help %v, want %v", pe.help, tt.wantHelp)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParsedArguments(t *testing.T) {
	a, err := parseApply([]string{"-json", "-auto-approve", "-parallelism=3", "-target=image.a", "-resume-task=image.a=ta_1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.check(); err != nil {
		t.Fatal(err)
	}
	if !a.json || !a.autoApprove || a.parallelism != 3 || a.planFile() != "" || a.tasks["image.a"] != "ta_1" {
		t.Errorf("got %+v, want -json, -auto-approve, -parallelism=3 and the task of image.a", a)
	}
	opts, err := a.options()
	if err != nil || len(opts.Targets) != 1 || opts.Targets[0] != "image.a" {
		t.Errorf("got targets %v (%v), want [image.a]", opts.Targets, err)
	}
}

// TestErrorsRenderedByTheView: a diagnostic error is drawn with hcl's
// writer for people and as diagnostic objects for -json; any other error
// as "Error: ..." or one diagnostic.
func TestErrorsRenderedByTheView(t *testing.T) {
	diags := hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unsupported argument", Detail: "An argument named \"bogus\" is not expected here."}}
	var stdout, stderr bytes.Buffer
	e := &env{dir: "/spec", stdout: &stdout, stderr: &stderr, noColor: true}
	e.useView(false)
	e.fail(&diagError{diags: diags})
	e.fail(errors.New("plain"))
	if got := stderr.String(); !strings.Contains(got, "Error: Unsupported argument") || !strings.Contains(got, "Error: plain\n") {
		t.Errorf("human view: got %q, want the diagnostic and the plain error", got)
	}
	stdout.Reset()
	stderr.Reset()
	e.useView(true)
	e.fail(&diagError{diags: diags})
	e.fail(errors.New("plain"))
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], `"summary":"Unsupported argument"`) || !strings.Contains(lines[2], `"summary":"plain"`) {
		t.Errorf("JSON view: got %q, want the version and two diagnostic objects", stdout.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("JSON view: got %q on stderr, want nothing", stderr.String())
	}
}

// TestCommandsDoNotBranchOnOutputMode: only the view factory knows which
// view a command has; no command reads a -json field of env.
func TestCommandsDoNotBranchOnOutputMode(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	bad := regexp.MustCompile(`\be\.json\b|\.json != nil|\.json == nil`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if loc := bad.FindIndex(src); loc != nil {
			t.Errorf("%s:%d: a command branches on the output mode (%q): ask the view instead (views.go)",
				f, 1+bytes.Count(src[:loc[0]], []byte("\n")), src[loc[0]:loc[1]])
		}
	}
}
