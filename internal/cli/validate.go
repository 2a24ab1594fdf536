package cli

func runValidate(e *env, args []string) int {
	a, err := parseValidate(args)
	if err != nil {
		return e.argError(err)
	}
	v := validateView(e.useView(a.json))
	sp, err := e.loadSpec(a.vars)
	if err != nil {
		v.Error(err)
	}
	v.Validated(sp, err == nil)
	if err != nil {
		return ExitError
	}
	return ExitOK
}
