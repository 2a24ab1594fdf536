// Package planfile is the format of a saved plan (pixform plan -out=FILE):
// explicit, versioned wire structs with snake_case names, paths relative
// to the spec directory and no source ranges, converted to and from the
// in-memory planner.Plan. No Go struct of another package is marshalled,
// so renaming a field elsewhere never changes the format.
//
// Write encodes a plan; Read decodes one, refusing a version it does not
// know with a typed *VersionError. A saved plan holds no API key (the
// providers hold none) and no sensitive prompt: Write refuses a plan that
// would generate from one and leaves the others out.
//
// planfile imports planner, spec and state for the in-memory types; the
// CLI (internal/cli) is its only caller.
package planfile
