package store

// HoldViewFlushes makes page views' audit entries queue without being
// written until release is called, so a test can line several up and see
// them go in together.
func (s *Store) HoldViewFlushes() (pending func() int, release func()) {
	s.views.mu.Lock()
	s.views.flushing = true
	s.views.mu.Unlock()
	pending = func() int {
		s.views.mu.Lock()
		defer s.views.mu.Unlock()
		return len(s.views.pending)
	}
	return pending, func() { s.views.flushes.Go(s.views.flush) }
}
