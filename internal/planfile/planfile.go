package planfile

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/pixform/pixform/planner"
)

// VersionError is a plan file of a format version this build does not read.
type VersionError struct{ Got int }

func (e *VersionError) Error() string {
	return fmt.Sprintf("it has format version %d, but this pixform reads version %d", e.Got, Version)
}

// Encode returns the plan in format version 2, as indented JSON.
func Encode(p *planner.Plan) ([]byte, error) {
	w, err := toWire(p)
	if err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode plan: %w", err)
	}
	return append(data, '\n'), nil
}

// Decode reads a plan file's bytes. It reads the version first and
// returns a *VersionError for any other than Version; unknown fields are
// an error, since a plan file is written by pixform alone.
func Decode(data []byte) (*planner.Plan, error) {
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("it is not JSON (%v)", err)
	}
	if head.Version == nil {
		return nil, fmt.Errorf("it has no format version")
	}
	if *head.Version != Version {
		return nil, &VersionError{Got: *head.Version}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w planV2
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("it is damaged (%v)", err)
	}
	p, err := fromWire(w)
	if err != nil {
		return nil, fmt.Errorf("it is damaged (%v)", err)
	}
	return p, nil
}
