package web

import (
	"bytes"
	"reflect"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
)

// touchEvery is how stale a session's stored expiry may get: with an idle
// timeout, scs writes the session on every request only to push its expiry
// on; this store writes an unchanged session at most once per interval.
const touchEvery = time.Minute

// touchLimitedStore wraps the sessions table's store so that a request that
// changed nothing in its session does not write it again within touchEvery:
// one transaction (and one WAL flush) fewer on almost every page. The idle
// timeout is then honoured to within touchEvery. Any change to the session's
// data, a new token, a destroy, or a write from another instance goes
// through at once; the memory here only ever skips a write, never serves
// a read, so instances still share every session through the database.
type touchLimitedStore struct {
	scs.Store
	mu   sync.Mutex
	last map[string]touch
	now  func() time.Time
}

type touch struct {
	data   []byte
	expiry time.Time
	at     time.Time
}

func newTouchLimitedStore(s scs.Store, now func() time.Time) *touchLimitedStore {
	return &touchLimitedStore{Store: s, last: map[string]touch{}, now: now}
}

func (s *touchLimitedStore) Commit(token string, b []byte, expiry time.Time) error {
	now := s.now()
	s.mu.Lock()
	t, ok := s.last[token]
	skip := ok && now.Sub(t.at) < touchEvery && sameSession(t.data, b) && !expiry.Before(t.expiry)
	s.mu.Unlock()
	if skip {
		return nil
	}
	if err := s.Store.Commit(token, b, expiry); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.last) > 100_000 { // bounded: forget the oldest rather than grow
		for k, v := range s.last {
			if now.Sub(v.at) >= touchEvery {
				delete(s.last, k)
			}
		}
	}
	s.last[token] = touch{data: bytes.Clone(b), expiry: expiry, at: now}
	return nil
}

// sameSession compares two encoded sessions by their content: gob writes a
// map's entries in Go's random iteration order, so equal sessions often
// encode to different bytes.
func sameSession(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var codec scs.GobCodec
	da, va, errA := codec.Decode(a)
	db, vb, errB := codec.Decode(b)
	return errA == nil && errB == nil && da.Equal(db) && reflect.DeepEqual(va, vb)
}

func (s *touchLimitedStore) Delete(token string) error {
	s.mu.Lock()
	delete(s.last, token)
	s.mu.Unlock()
	return s.Store.Delete(token)
}
