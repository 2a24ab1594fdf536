package cli

import (
	"fmt"

	"github.com/pixform/pixform/planner"
	"github.com/pixform/pixform/provider"
	"github.com/pixform/pixform/provider/defapi"
	"github.com/pixform/pixform/provider/offline"
	"github.com/pixform/pixform/spec"
)

// providers builds the providers the plan's generations need, and only
// those: a spec on the offline provider needs no key.
func (e *env) providers(sp *spec.Spec, p *planner.Plan) (map[string]provider.Provider, error) {
	out := map[string]provider.Provider{}
	for _, ch := range p.Changes {
		if !(ch.Action.Pays() || ch.Candidates > 0) || out[ch.Asset.Provider] != nil {
			continue
		}
		kind := ch.Asset.Provider
		switch kind {
		case spec.ProviderOffline:
			out[kind] = offline.New()
		case "defapi":
			cfg := sp.Providers[kind]
			c := defapi.Config{APIKey: e.getenv(defapi.KeyEnv)}
			if cfg != nil {
				c.BaseURL, c.RateLimit, c.RetryFor, c.RetryAttempts = cfg.BaseURL, cfg.RateLimit, cfg.RetryFor, cfg.RetryAttempts
				if cfg.Callback != nil {
					c.Callback = &defapi.CallbackConfig{Listen: cfg.Callback.Listen, PublicURL: cfg.Callback.PublicURL}
				}
			}
			client, err := defapi.New(c)
			if err != nil {
				closeProviders(out)
				return nil, fmt.Errorf("provider %q: %w", kind, err)
			}
			out[kind] = client
		default:
			return nil, fmt.Errorf("unknown provider %q", kind)
		}
	}
	return out, nil
}

func closeProviders(ps map[string]provider.Provider) {
	for _, p := range ps {
		if c, ok := p.(interface{ Close() error }); ok {
			c.Close()
		}
	}
}
