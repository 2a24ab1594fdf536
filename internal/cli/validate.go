package cli

func runValidate(e *env, args []string) int {
	a, err := parseValidate(args)
	if err != nil {
		return e.argError(err)
	}
	v := validateView(e.useView(a.json))
	sp, ok := e.loadSpec(a.vars)
	v.Validated(sp, ok)
	if !ok {
		return ExitError
	}
	return ExitOK
}
