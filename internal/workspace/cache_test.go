package workspace

import (
	"testing"
	"time"
)

// A kept value is given back only under the stamp it was kept at; the
// least recently used go first when the budget is spent.
func TestEvalCacheServesOnlyTheSameStamp(t *testing.T) {
	day := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	c := newEvalCache(400)
	k := func(id int64) cacheKey { return cacheKey{kind: 'u', id: id, day: day} }
	c.put(k(1), "e1;1:4", 100, "one")
	if v, ok := c.get(k(1), "e1;1:4"); !ok || v != "one" {
		t.Fatalf("kept value not found: %v %v", v, ok)
	}
	if _, ok := c.get(k(1), "e1;1:5"); ok {
		t.Fatal("a value kept at another stamp was given back")
	}
	if _, ok := c.get(cacheKey{kind: 'u', id: 1, day: day.AddDate(0, 0, 1)}, "e1;1:4"); ok {
		t.Fatal("a value kept for another day was given back")
	}
	c.put(k(2), "s", 100, "two")
	c.put(k(3), "s", 100, "three")
	c.put(k(4), "s", 100, "four")
	c.get(k(1), "e1;1:4") // 1 is now the most recently used: 2 goes first
	c.put(k(5), "s", 100, "five")
	if _, ok := c.get(k(2), "s"); ok {
		t.Error("the least recently used value survived the budget")
	}
	if _, ok := c.get(k(1), "e1;1:4"); !ok {
		t.Error("a recently used value was evicted")
	}
	for _, id := range []int64{3, 4, 5} {
		if _, ok := c.get(k(id), "s"); !ok {
			t.Errorf("value %d evicted", id)
		}
	}
	if c.used > c.budget {
		t.Errorf("%d bytes kept over a budget of %d", c.used, c.budget)
	}
	var off *evalCache
	off.put(k(1), "s", 1, "x") // a nil cache keeps nothing and does not fail
	if _, ok := off.get(k(1), "s"); ok {
		t.Error("a nil cache gave something back")
	}
}
