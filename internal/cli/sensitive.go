package cli

import (
	"strconv"

	"github.com/pixform/pixform/spec"
	"github.com/pixform/pixform/state"
)

// redacted stands for a prompt that derives from a sensitive variable,
// wherever a prompt is printed for people or machines. The prompt itself
// still goes to the API, into the state and into the fingerprint.
const redacted = "(sensitive)"

// sensitiveAddrs returns the addresses of the assets whose prompt is
// sensitive: those st recorded so when they were generated, and those the
// spec, loaded quietly with the variables the environment gives, makes so
// now (an image not generated since its variable became sensitive).
func (e *env) sensitiveAddrs(st *state.State) map[string]bool {
	out := map[string]bool{}
	for addr, a := range st.Assets {
		if a.Sensitive {
			out[addr] = true
		}
	}
	sp, _ := spec.Load(e.fs, e.dir, spec.LoadOptions{Env: e.getenv})
	if sp == nil {
		return out
	}
	for _, a := range sp.Assets {
		if a.Sensitive {
			out[a.Addr] = true
		}
	}
	return out
}

// shownPrompt is the prompt to print: redacted when it is sensitive.
func shownPrompt(prompt string, sensitive bool) string {
	if sensitive {
		return redacted
	}
	return prompt
}

// quotedPrompt is shownPrompt quoted, unless redacted.
func quotedPrompt(prompt string, sensitive bool) string {
	if sensitive {
		return redacted
	}
	return strconv.Quote(prompt)
}

// redactAsset returns a copy of a state asset with its prompt, and the
// prompt among its inputs, redacted.
func redactAsset(a *state.Asset) *state.Asset {
	c := *a
	c.Prompt = redacted
	if _, ok := a.Inputs["prompt"]; ok {
		c.Inputs = make(map[string]string, len(a.Inputs))
		for k, v := range a.Inputs {
			c.Inputs[k] = v
		}
		c.Inputs["prompt"] = redacted
	}
	return &c
}
