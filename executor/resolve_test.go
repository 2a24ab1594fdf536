package executor_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/pixform/pixform/executor"
	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider/offline"
	"github.com/pixform/pixform/spec"
)

// tinyPNG is a 2x2 PNG whose pixels depend on shade.
func tinyPNG(t *testing.T, shade uint8) []byte {
	t.Helper()
	m := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	m.Set(0, 0, color.NRGBA{R: shade, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withRefs is an image that references a local file, a URL and up's output.
func withRefs(up *spec.Asset) *spec.Asset {
	a := img("offline", "a", "A poster")
	a.Refs = append(a.Refs,
		spec.Ref{Kind: spec.RefFile, Value: "refs/palette.png"},
		spec.Ref{Kind: spec.RefURL, Value: "https://example.com/style.png"})
	return refTo(a, up)
}

// The planner's fingerprint (through its hash cache) is what the executor
// computes from the bytes it sends and records: both call planner.Resolve.
func TestPlanAndApplyAgreeOnTheFingerprint(t *testing.T) {
	w := newWorld(t)
	w.write("refs/palette.png", tinyPNG(t, 1))
	up := img("offline", "up", "A hero")
	if sum, _ := w.apply(context.Background(), w.plan([]*spec.Asset{up}), offline.New(), executor.Options{}); sum.Generated != 1 {
		t.Fatalf("first apply: got %+v", tallyOf(sum))
	}
	a := withRefs(up)
	p := w.plan([]*spec.Asset{up, a})
	ch := p.Change("image.a")
	if ch.Action != planner.Create || ch.Fingerprint == "" {
		t.Fatalf("plan of image.a: got %s with fingerprint %q, want create with a known fingerprint", ch.Action, ch.Fingerprint)
	}
	sum, _ := w.apply(context.Background(), p, offline.New(), executor.Options{})
	if sum.Generated != 1 || sum.Failed != 0 {
		t.Fatalf("apply: got %+v, failures %v", tallyOf(sum), failures(sum))
	}
	if got := w.store.State().Assets["image.a"].Fingerprint; got != ch.Fingerprint {
		t.Errorf("recorded fingerprint %s, the plan's %s: planner and executor disagree", got, ch.Fingerprint)
	}
}

// A reference file that changes between plan and apply changes what the
// image would be generated from: the executor refuses it, nothing is made.
func TestStaleFingerprintIsRefused(t *testing.T) {
	w := newWorld(t)
	w.write("refs/palette.png", tinyPNG(t, 1))
	up := img("offline", "up", "A hero")
	w.apply(context.Background(), w.plan([]*spec.Asset{up}), offline.New(), executor.Options{})
	p := w.plan([]*spec.Asset{up, withRefs(up)})
	w.write("refs/palette.png", tinyPNG(t, 2)) // edited after the plan
	sum, _ := w.apply(context.Background(), p, offline.New(), executor.Options{})
	if sum.Generated != 0 || sum.Failed != 1 {
		t.Fatalf("apply: got %+v, want image.a failed", tallyOf(sum))
	}
	var stale *executor.StaleError
	if !errors.As(sum.Failures[0].Err, &stale) || stale.Planned != p.Change("image.a").Fingerprint {
		t.Errorf("failure: got %v, want a StaleError naming the plan's fingerprint", sum.Failures[0].Err)
	}
	if w.exists("out/a.png") {
		t.Errorf("out/a.png was written from inputs the plan did not show")
	}
}
