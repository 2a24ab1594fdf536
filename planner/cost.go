package planner

import "github.com/pixform/pixform/spec"

// DefaultCost is the estimated credits of one generation on a model with no
// history in the state: what API.md's example task consumed.
const DefaultCost = 0.5

// estimate is the mean of what past tasks of the asset's model consumed,
// DefaultCost without history, and nothing on the offline provider.
func (p *planner) estimate(a *spec.Asset) float64 {
	return Estimate(a.Provider, p.st.Models[a.Model].Tasks, p.st.Models[a.Model].Consumed)
}

// Estimate returns the credits one generation is expected to cost, given a
// model's history of tasks and credits.
func Estimate(provider string, tasks int, consumed float64) float64 {
	if provider == spec.ProviderOffline {
		return 0
	}
	if tasks == 0 {
		return DefaultCost
	}
	return consumed / float64(tasks)
}
