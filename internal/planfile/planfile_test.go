package planfile

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/spec"
)

// fill sets every exported field reachable from v to a value that is not
// zero, so a round trip shows any field the format forgets: a field added
// to the plan later fails this test until the format carries it.
func fill(t *testing.T, v reflect.Value, seed *int) {
	t.Helper()
	*seed++
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), seed)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(hcl.Range{}) {
			return // source ranges are not part of the format
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), seed)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(t, v.Index(0), seed)
		fill(t, v.Index(1), seed)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			fill(t, k, seed)
			e := reflect.New(v.Type().Elem()).Elem()
			fill(t, e, seed)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.String:
		v.SetString("s" + strings.Repeat("x", *seed%7) + string(rune('a'+*seed%26)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		if v.Type() == reflect.TypeOf(time.Duration(0)) {
			v.SetInt(int64(*seed) * int64(time.Second))
			return
		}
		v.SetInt(int64(*seed))
	case reflect.Uint64:
		v.SetUint(uint64(*seed))
	case reflect.Float64:
		v.SetFloat(float64(*seed) / 2)
	default:
		t.Fatalf("fill: a field of kind %s: teach the test (and the format) about it", v.Kind())
	}
}

func TestRoundTripKeepsEveryField(t *testing.T) {
	var p planner.Plan
	seed := 0
	fill(t, reflect.ValueOf(&p).Elem(), &seed)
	for i := range p.Changes {
		ch := &p.Changes[i]
		ch.Action = planner.Move // a generating change may not be sensitive
		ch.Asset.Sensitive, ch.Prior.Sensitive = false, false
		ch.Asset.Refs[0].Kind, ch.Asset.Refs[1].Kind = spec.RefFile, spec.RefAsset
		ch.Restore.Instead = planner.Replace
		ch.Restore.Created = time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC) // fill leaves times zero
	}
	data, err := Encode(&p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(&p, got, cmpopts.IgnoreTypes(hcl.Range{})); d != "" {
		t.Errorf("round trip changed the plan (-want +got):\n%s", d)
	}
}

func TestNoGoFieldNamesOrRanges(t *testing.T) {
	p := &planner.Plan{Changes: []planner.Change{{
		Addr: "image.a", Action: planner.Create,
		Asset: &spec.Asset{Addr: "image.a", Name: "a", Output: "a.png", Prompt: "p",
			DeclRange: hcl.Range{Filename: "/abs/dir/site.pix.hcl"}},
	}}, Providers: map[string]*spec.Provider{"offline": {Type: "offline", DeclRange: hcl.Range{Filename: "/abs/dir/site.pix.hcl"}}}}
	data, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"DeclRange", "/abs/dir", "Filename", "\"Addr\""} {
		if strings.Contains(string(data), bad) {
			t.Errorf("plan file holds %q:\n%s", bad, data)
		}
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		t.Fatal(err)
	}
	for k := range keys {
		if strings.ToLower(k) != k {
			t.Errorf("top-level key %q is not snake_case", k)
		}
	}
}

func TestOldFormatRefused(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		version    int
	}{
		{"format 1", `{"version":1,"lineage":"x","serial":3,"changes":[{"addr":"image.a","action":"create","asset":{"Addr":"image.a","DeclRange":{}}}]}`, 1},
		{"newer", `{"version":99,"changes":[]}`, 99},
	} {
		_, err := Decode([]byte(tc.data))
		var ve *VersionError
		if !errors.As(err, &ve) || ve.Got != tc.version {
			t.Errorf("%s: got %v, want a VersionError for version %d", tc.name, err, tc.version)
		}
	}
	for _, bad := range []string{`{"changes":[]}`, `not json`, `{"version":2,"changes":[{"addr":"image.a","action":"explode"}]}`, `{"version":2,"changes":[],"extra":1}`} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%s) = nil error, want one", bad)
		}
	}
}

func TestSensitivePromptNeverWritten(t *testing.T) {
	sens := &spec.Asset{Addr: "image.a", Name: "a", Output: "a.png", Prompt: "SECRETVALUE", Sensitive: true}
	inputs := map[string]string{"prompt": "SECRETVALUE", "model": "m"}
	moved := &planner.Plan{Changes: []planner.Change{{Addr: "image.a", Action: planner.Move, Asset: sens, Inputs: inputs,
		Prior: &planner.Prior{Output: "b.png", Prompt: "SECRETVALUE", Sensitive: true, Inputs: inputs, Ignored: inputs}}}}
	data, err := Encode(moved)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "SECRETVALUE") {
		t.Errorf("plan file holds the sensitive prompt:\n%s", data)
	}
	if inputs["prompt"] != "SECRETVALUE" || sens.Prompt != "SECRETVALUE" {
		t.Errorf("Encode changed the plan it was given")
	}
	gen := &planner.Plan{Changes: []planner.Change{{Addr: "image.a", Action: planner.Create, Asset: sens}}}
	_, err = Encode(gen)
	var se *SensitiveError
	if !errors.As(err, &se) || se.Addr != "image.a" {
		t.Errorf("Encode of a plan generating from a sensitive prompt: got %v, want a SensitiveError", err)
	}
}
