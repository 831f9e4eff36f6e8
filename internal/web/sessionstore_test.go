package web

import (
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

type countingStore struct {
	commits, deletes int
}

func (c *countingStore) Find(string) ([]byte, bool, error) { return nil, false, nil }
func (c *countingStore) Commit(string, []byte, time.Time) error {
	c.commits++
	return nil
}
func (c *countingStore) Delete(string) error {
	c.deletes++
	return nil
}

// An unchanged session is written once a minute at most; a change, a
// destroy or a minute passing writes at once.
func TestTouchLimitedStoreSkipsOnlyUnchangedWrites(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	inner := &countingStore{}
	s := newTouchLimitedStore(inner, func() time.Time { return now })
	exp := now.Add(30 * time.Minute)
	step := func(d time.Duration) { now = now.Add(d); exp = now.Add(30 * time.Minute) }
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Commit("a", []byte("v1"), exp))
	step(10 * time.Second)
	must(s.Commit("a", []byte("v1"), exp)) // unchanged, within the minute: skipped
	if inner.commits != 1 {
		t.Fatalf("%d writes, want 1", inner.commits)
	}
	must(s.Commit("a", []byte("v2"), exp)) // changed: written
	must(s.Commit("b", []byte("v2"), exp)) // another session: written
	step(61 * time.Second)
	must(s.Commit("a", []byte("v2"), exp)) // a minute on: written to push the expiry
	if inner.commits != 4 {
		t.Fatalf("%d writes, want 4", inner.commits)
	}
	must(s.Delete("a"))
	must(s.Commit("a", []byte("v2"), exp)) // after a destroy: written again
	if inner.commits != 5 || inner.deletes != 1 {
		t.Fatalf("%d writes %d deletes, want 5 and 1", inner.commits, inner.deletes)
	}
}

// Two encodings of one session (gob writes map entries in random order) are
// the same session: the second is not written.
func TestSameSessionIgnoresEncodingOrder(t *testing.T) {
	var codec scs.GobCodec
	deadline := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	values := map[string]interface{}{"a": int64(1), "b": "two", "c": int64(3), "d": "four", "e": int64(5)}
	first, err := codec.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, _ := codec.Encode(deadline, values)
		if !sameSession(first, again) {
			t.Fatal("one session's encodings compare as different")
		}
	}
	changed, _ := codec.Encode(deadline, map[string]interface{}{"a": int64(1), "b": "two", "c": int64(3), "d": "four", "e": int64(6)})
	if sameSession(first, changed) {
		t.Fatal("a changed session compares as the same")
	}
	later, _ := codec.Encode(deadline.Add(time.Minute), values)
	if sameSession(first, later) {
		t.Fatal("a new deadline compares as the same")
	}
}
