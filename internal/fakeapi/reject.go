package fakeapi

// RejectModel makes the server answer submissions for model with 400
// "unsupported model: MODEL", like Options.RejectModels, from now on.
func (s *Server) RejectModel(model string) {
	s.mu.Lock()
	s.reject[model] = true
	s.mu.Unlock()
}
