package offline

// Synchronous reports that a task is final as soon as Submit returns, so
// the executor queries it at once instead of waiting a poll interval.
func (p *Provider) Synchronous() bool { return true }
