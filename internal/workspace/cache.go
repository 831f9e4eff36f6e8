package workspace

import (
	"container/list"
	"sync"
	"time"

	"github.com/casework/casework/internal/store"
)

// evalCache keeps evaluated dashboards (a unit's, a worker's, an area's)
// between views. An entry is used only under the stamp it was computed at,
// which the page reads from the database in the statement that checks the
// viewer's reach (store.UnitView, store.Worker, store.Case, store.AreaView): any change to the data since gives another stamp, and the page
// is computed afresh. So the cache never answers for the database; it only
// saves recomputing what the database says has not changed. Each instance
// has its own; they agree because they ask the same database.
//
// Entries are read-only once stored: callers must not change what they get.
// The cache is bounded by an estimate of its entries' size, least recently
// used first out.
type evalCache struct {
	mu     sync.Mutex
	budget int64
	used   int64
	lru    *list.List // of *cacheEntry, most recent first
	byKey  map[cacheKey]*list.Element
}

type cacheKey struct {
	kind byte // 'u' unit, 'w' worker, 'a' area
	id   int64
	day  time.Time
}

type cacheEntry struct {
	key   cacheKey
	stamp store.Stamp
	size  int64
	val   any
}

func newEvalCache(budget int64) *evalCache {
	return &evalCache{budget: budget, lru: list.New(), byKey: map[cacheKey]*list.Element{}}
}

// get returns the value kept for key if it was computed under stamp.
func (c *evalCache) get(key cacheKey, stamp store.Stamp) (any, bool) {
	if c == nil || c.budget <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*cacheEntry)
	if e.stamp != stamp {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return e.val, true
}

// put keeps val for key under stamp, replacing what was kept, and evicts
// the least recently used entries beyond the budget.
func (c *evalCache) put(key cacheKey, stamp store.Stamp, size int64, val any) {
	if c == nil || c.budget <= 0 || size > c.budget/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.used -= el.Value.(*cacheEntry).size
		c.lru.Remove(el)
	}
	c.byKey[key] = c.lru.PushFront(&cacheEntry{key: key, stamp: stamp, size: size, val: val})
	c.used += size
	for c.used > c.budget {
		el := c.lru.Back()
		e := el.Value.(*cacheEntry)
		c.lru.Remove(el)
		delete(c.byKey, e.key)
		c.used -= e.size
	}
}
