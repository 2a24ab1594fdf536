package state

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDecodeFastKnowsEveryField: a state.json with every field of every
// type set (as encodeState writes it) is taken by the fast path and gives
// what encoding/json gives. A field added to State, Asset, Pending,
// FileHash or ModelStats without teaching decodeFast fails here, instead
// of silently sending every plan to encoding/json.
func TestDecodeFastKnowsEveryField(t *testing.T) {
	s := New()
	s.Serial = 7
	var a Asset
	fillAll(t, reflect.ValueOf(&a).Elem())
	s.Assets[a.Addr] = &a
	var p Pending
	fillAll(t, reflect.ValueOf(&p).Elem())
	s.Pending[p.Addr] = &p
	var h FileHash
	fillAll(t, reflect.ValueOf(&h).Elem())
	s.Files["out/a.png"] = h
	var m ModelStats
	fillAll(t, reflect.ValueOf(&m).Elem())
	s.Models["m"] = m
	enc, err := encodeState(s)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := decodeFast(enc)
	if !ok {
		t.Fatalf("the fast path declines a state.json with every field set:\n%s", enc)
	}
	var want State
	if err := json.Unmarshal(enc, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Fatalf("got (-encoding/json +fast):\n%s", diff)
	}
}

// fillAll sets every exported field of the struct v to a value other
// than its zero.
func fillAll(t *testing.T, v reflect.Value) {
	t.Helper()
	for i := range v.NumField() {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() {
			continue
		}
		switch {
		case f.Type() == reflect.TypeOf(time.Time{}):
			f.Set(reflect.ValueOf(time.Date(2025, 3, 4, 5, 6, 7, 8, time.UTC)))
		case f.Kind() == reflect.String:
			f.SetString(v.Type().Field(i).Name + " value")
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.CanInt():
			f.SetInt(int64(i + 3))
		case f.CanUint():
			f.SetUint(uint64(i + 5))
		case f.CanFloat():
			f.SetFloat(float64(i) + 0.25)
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			f.Set(reflect.ValueOf([]string{"x", "y"}))
		case f.Kind() == reflect.Map && f.Type().Key().Kind() == reflect.String && f.Type().Elem().Kind() == reflect.String:
			f.Set(reflect.ValueOf(map[string]string{"k": "v"}))
		default:
			t.Fatalf("fillAll does not know the field %s %s: teach it, and decodeFast", v.Type().Field(i).Name, f.Type())
		}
	}
}
