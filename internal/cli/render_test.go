package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenPlan is a plan with every kind of change a reviewer meets.
func goldenPlan() *planner.Plan {
	asset := func(name, key, prompt, output string) *spec.Asset {
		addr := "image." + name
		if key != "" {
			addr += `["` + key + `"]`
		}
		return &spec.Asset{Addr: addr, Name: name, Key: key, Provider: "defapi", Model: spec.DefaultModel, Prompt: prompt, Output: output,
			DeclRange: hcl.Range{Filename: "/spec/site.pix.hcl", Start: hcl.Pos{Line: 12, Column: 1}}}
	}
	return &planner.Plan{
		Cost: 1.5,
		Changes: []planner.Change{
			{Addr: "image.banner", Action: planner.NoOp, Drift: true, Asset: asset("banner", "", "A banner", "web/banner.png"),
				Reasons: []planner.Reason{{Code: planner.ReasonOutputEdited, Path: "web/banner.png"}}},
			{Addr: `image.hero["knight"]`, Action: planner.Create, Cost: 0.5, Asset: asset("hero", "knight", "Full-body knight sprite, flat vector", "sprites/knight.png"),
				Reasons: []planner.Reason{{Code: planner.ReasonNew}}},
			{Addr: "image.icon", Action: planner.Move, Asset: asset("icon", "", "An icon", "web/icons/icon.png"),
				Prior:   &planner.Prior{Output: "web/icon.png", Prompt: "An icon"},
				Reasons: []planner.Reason{{Code: planner.ReasonOutputPathChanged, From: "web/icon.png", To: "web/icons/icon.png"}}},
			{Addr: "image.logo", Action: planner.Replace, Cost: 0.5, Asset: asset("logo", "", "A banana-shaped rocket logo, flat vector, blue sky", "web/logo.png"),
				Prior:   &planner.Prior{Output: "web/logo.png", Prompt: "A banana-shaped rocket logo on a red sky"},
				Reasons: []planner.Reason{{Code: planner.ReasonInputChanged, Input: "prompt", From: "A banana-shaped rocket logo on a red sky", To: "A banana-shaped rocket logo, flat vector, blue sky"}}},
			{Addr: "image.new", Action: planner.NoOp, MovedFrom: "image.renamed", Asset: asset("new", "", "Renamed", "web/new.png"),
				Reasons: []planner.Reason{{Code: planner.ReasonMoved, From: "image.renamed"}}},
			{Addr: "image.old", Action: planner.Delete, Prior: &planner.Prior{Output: "web/old.png"},
				Reasons: []planner.Reason{{Code: planner.ReasonRemoved}}},
			{Addr: "image.poster", Action: planner.Replace, Cost: 0.5, Asset: asset("poster", "", "The heroes together", "web/poster.png"),
				Prior:   &planner.Prior{Output: "web/poster.png", Prompt: "The heroes together"},
				Reasons: []planner.Reason{{Code: planner.ReasonUpstreamRegenerated, Addr: `image.hero["knight"]`}}},
		},
	}
}

func TestWritePlanGolden(t *testing.T) {
	for _, tc := range []struct {
		file  string
		color bool
	}{
		{"plan.txt", false},
		{"plan_color.txt", true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var buf bytes.Buffer
			e := &env{stdout: &buf, forceColor: tc.color, noColor: !tc.color}
			writePlan(&buf, e.painter(), goldenPlan())
			golden := filepath.Join("testdata", "golden", tc.file)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestWritePlanGolden -update to write it)", err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("got a plan unlike %s (-want +got):\n%s", golden, diff)
			}
			if has := strings.Contains(buf.String(), "\x1b["); has != tc.color {
				t.Errorf("got escape codes = %v, want %v", has, tc.color)
			}
		})
	}
}

func TestWordDiff(t *testing.T) {
	for _, tc := range []struct{ before, after, want string }{
		{"A banana-shaped rocket logo", "A banana-shaped rocket logo, flat vector", "A banana-shaped rocket logo{+, flat vector+}"},
		{"a red car", "a blue truck", "a [-red car-]{+blue truck+}"},
		{"a red car at night", "a red car", "a red car[- at night-]"},
		{"same", "same", "same"},
		{"", "new prompt", "{+new prompt+}"},
		{"knight, pastel", "wizard, pastel", "[-knight-]{+wizard+}, pastel"},
		{"über café", "über cafés", "über [-café-]{+cafés+}"},
	} {
		got := renderWordDiff(painter{}, wordDiff(tc.before, tc.after))
		if got != tc.want {
			t.Errorf("wordDiff(%q, %q) = %q, want %q", tc.before, tc.after, got, tc.want)
		}
	}
	colored := renderWordDiff(painter{on: true}, wordDiff("red car", "blue car"))
	if want := "\x1b[31mred\x1b[0m\x1b[32mblue\x1b[0m car"; colored != want {
		t.Errorf("colored diff = %q, want %q", colored, want)
	}
}

func TestCredits(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{0, "0.0"}, {2, "2.0"}, {0.5, "0.5"}, {0.25, "0.25"}, {1.125, "1.12"}, {12.3, "12.3"}} {
		if got := credits(tc.in); got != tc.want {
			t.Errorf("credits(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

const jsonSpec = `provider "offline" {}

image "logo" {
  prompt = "A logo"
  output = "web/logo.png"
}

image "banner" {
  prompt = "A banner with the logo"
  images = [image.logo.output]
  output = "web/banner.png"
}

image "typo" {
  model  = "google/gempix3"
  prompt = "A model the reference does not list"
  output = "web/typo.png"
}
`

// runJSON runs pixform in dir and decodes every line of its stdout as a
// JSON object, checking the fields every line has.
func runJSON(t *testing.T, dir string, args ...string) (int, []map[string]any) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), append([]string{"-chdir=" + dir}, args...), strings.NewReader(""), &stdout, &stderr)
	if stderr.Len() > 0 {
		t.Errorf("pixform %s wrote to stderr:\n%s", strings.Join(args, " "), stderr.String())
	}
	if strings.Contains(stdout.String(), "\x1b") {
		t.Errorf("pixform %s printed escape codes", strings.Join(args, " "))
	}
	var lines []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d of pixform %s is not JSON (%v): %s", i+1, strings.Join(args, " "), err, line)
		}
		for _, k := range []string{"@level", "@message", "@timestamp", "type"} {
			if _, ok := obj[k]; !ok {
				t.Errorf("line %d has no %q: %s", i+1, k, line)
			}
		}
		if ts, _ := obj["@timestamp"].(string); ts != "" {
			if _, err := time.Parse(time.RFC3339, ts); err != nil {
				t.Errorf("line %d: @timestamp %q is not RFC 3339: %v", i+1, ts, err)
			}
		}
		lines = append(lines, obj)
	}
	return code, lines
}

// splitHooks returns the types of the lines that are not about one image,
// and the types and positions of those that are, by image.
func splitHooks(lines []map[string]any) ([]string, map[string][]hookLine) {
	var others []string
	byImage := map[string][]hookLine{}
	for i, l := range lines {
		hook, _ := l["hook"].(map[string]any)
		res, _ := hook["resource"].(map[string]any)
		addr, _ := res["addr"].(string)
		if addr == "" {
			others = append(others, l["type"].(string))
			continue
		}
		byImage[addr] = append(byImage[addr], hookLine{l["type"].(string), i})
	}
	return others, byImage
}

type hookLine struct {
	typ string
	at  int
}

// checkApplyHooks checks each image's events in order, and that the
// banner, which uses the logo, starts after the logo is done.
func checkApplyHooks(t *testing.T, byImage map[string][]hookLine) {
	t.Helper()
	want := []string{"apply_start", "task_submitted", "apply_progress", "apply_progress", "apply_complete"}
	for _, addr := range []string{"image.logo", "image.banner", "image.typo"} {
		var got []string
		for _, h := range byImage[addr] {
			got = append(got, h.typ)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("apply events of %s (-want +got):\n%s", addr, diff)
		}
	}
	if logo, banner := byImage["image.logo"], byImage["image.banner"]; len(logo) == len(want) && len(banner) == len(want) &&
		banner[0].at < logo[len(logo)-1].at {
		t.Errorf("image.banner started (line %d) before image.logo was done (line %d)", banner[0].at, logo[len(logo)-1].at)
	}
}

func TestJSONOutput(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "site.pix.hcl"), []byte(jsonSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args  []string
		code  int
		types []string
	}{
		{[]string{"validate", "-json"}, ExitOK, []string{"version", "diagnostic", "validate"}},
		{[]string{"plan", "-json"}, ExitOK, []string{"version", "diagnostic", "planned_change", "planned_change", "planned_change", "change_summary"}},
		// The events of the images are checked one image at a time below:
		// the next image may start while one is downloading.
		{[]string{"apply", "-json", "-auto-approve", "-parallelism=1"}, ExitOK, []string{
			"version", "diagnostic", "planned_change", "planned_change", "planned_change", "change_summary",
			"change_summary", "summary",
		}},
		{[]string{"plan", "-json"}, ExitOK, []string{"version", "diagnostic", "change_summary"}},
		{[]string{"show", "-json"}, ExitOK, []string{"version", "state"}},
		{[]string{"plan", "-json", "-target=image.nope"}, ExitError, []string{"version", "diagnostic", "diagnostic"}},
	}
	for _, s := range steps {
		code, lines := runJSON(t, dir, s.args...)
		if code != s.code {
			t.Errorf("pixform %s: got exit %d, want %d", strings.Join(s.args, " "), code, s.code)
		}
		others, byImage := splitHooks(lines)
		if diff := cmp.Diff(s.types, others); diff != "" {
			t.Errorf("pixform %s: got types (-want +got):\n%s", strings.Join(s.args, " "), diff)
		}
		if s.args[0] == "apply" {
			checkApplyHooks(t, byImage)
		}
	}

	// The payloads a machine reads.
	_, lines := runJSON(t, dir, "plan", "-json", "-replace=image.logo")
	v := lines[0]
	if v["pixform"] != Version || v["ui"] != "1.0" {
		t.Errorf("version line = %v, want pixform %s, ui 1.0", v, Version)
	}
	d := lines[1]["diagnostic"].(map[string]any)
	if d["severity"] != "warning" || d["range"].(map[string]any)["filename"] != "site.pix.hcl" {
		t.Errorf("diagnostic = %v, want a warning in site.pix.hcl", d)
	}
	var changes []any
	for _, l := range lines {
		if l["type"] == "planned_change" {
			c := l["change"].(map[string]any)
			changes = append(changes, []any{c["resource"].(map[string]any)["addr"], c["action"]})
		}
	}
	want := []any{[]any{"image.banner", "replace"}, []any{"image.logo", "replace"}}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("planned changes (-want +got):\n%s", diff)
	}
	sum := lines[len(lines)-1]["changes"].(map[string]any)
	if sum["change"] != 2.0 || sum["operation"] != "plan" {
		t.Errorf("change_summary = %v, want 2 changes in a plan", sum)
	}
}

func TestJSONApplySummary(t *testing.T) {
	var buf bytes.Buffer
	j := newJSONUI(&buf, "/spec")
	j.now = func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }
	j.summary(executor.Summary{Generated: 1, Failed: 1, Consumed: 0.5, Duration: 2 * time.Second,
		Failures: []executor.Failure{{Addr: "image.x", Err: errString("task ta1 failed: nsfw")}}}, false,
		func(string) string { return "site.pix.hcl:3" })
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	got := last["summary"].(map[string]any)
	want := map[string]any{"generated": 1.0, "failed": 1.0, "skipped": 0.0, "moved": 0.0, "deleted": 0.0, "credits": 0.5,
		"duration_seconds": 2.0, "stopped": false, "interrupted": false, "forgotten": 0.0,
		"failures": []any{map[string]any{"addr": "image.x", "error": "task ta1 failed: nsfw", "site": "site.pix.hcl:3"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if last["@timestamp"] != "2025-01-02T03:04:05.000000Z" || last["@level"] != "error" {
		t.Errorf("got @timestamp %v, @level %v, want 2025-01-02T03:04:05.000000Z, error", last["@timestamp"], last["@level"])
	}
}

type errString string

func (e errString) Error() string { return string(e) }
