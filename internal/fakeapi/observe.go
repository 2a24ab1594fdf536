package fakeapi

// Submissions returns every accepted submission, in arrival order.
func (s *Server) Submissions() []Submission {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Submission, len(s.submissions))
	copy(out, s.submissions)
	return out
}

// SubmitCount returns how many submissions with this prompt were accepted.
func (s *Server) SubmitCount(prompt string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.perPrompt[prompt]
}

// Counts returns the requests received so far, faulted ones included.
func (s *Server) Counts() Counts {
	return Counts{
		Submit:   int(s.submit.Load()),
		Query:    int(s.query.Load()),
		Download: int(s.download.Load()),
		Total:    int(s.total.Load()),
	}
}

// Key returns the API key the server accepts.
func (s *Server) Key() string { return s.opts.Key }

// ImagePNG returns the PNG bytes the server serves for a prompt, so tests
// can compare what a client wrote to disk.
func (s *Server) ImagePNG(prompt string) []byte {
	return append([]byte(nil), s.pngOf(prompt)...)
}
