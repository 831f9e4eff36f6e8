// Package workspace is the application layer between the web tier and the
// store: it composes the store's reads, calls the rules engine and the
// dashboard, maps the engine's fact ids back to rows, and keeps evaluations
// between views (cache.go). Its methods take the viewer and a context, never
// an HTTP request, so handlers only parse, call and render.
package workspace

import (
	"time"

	"github.com/casework/casework/internal/store"
)

// Service holds what the workspace needs: the store, the clock, the
// agency's zone and the kept evaluations.
type Service struct {
	store *store.Store
	now   func() time.Time
	loc   *time.Location
	cache *evalCache
}

// New makes the service. cacheBytes bounds the evaluations kept between
// views; 0 or negative keeps none.
func New(st *store.Store, now func() time.Time, loc *time.Location, cacheBytes int64) *Service {
	if now == nil {
		now = time.Now
	}
	if loc == nil {
		loc = time.UTC
	}
	return &Service{store: st, now: now, loc: loc, cache: newEvalCache(cacheBytes)}
}

// Today is the agency's calendar date now, as a UTC midnight.
func (s *Service) Today() time.Time {
	y, m, d := s.now().In(s.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
