package cli

func runValidate(e *env, args []string) int {
	fs := newFlags(e, "validate", "validate [-json] [-var NAME=VALUE]... [-var-file=FILE]...")
	var vf varFlags
	vf.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per line instead of text, for machines")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return e.errorf("validate takes no arguments, but got %q: it checks every *.pix.hcl file of the directory; use -chdir=DIR for another one.", fs.Args())
	}
	v := validateView(e.useView(*asJSON))
	sp, ok := e.loadSpec(vf)
	v.Validated(sp, ok)
	if !ok {
		return ExitError
	}
	return ExitOK
}
