package store

import "testing"

// Dense or sparse, an idIndex answers what was set and nothing else.
func TestIDIndex(t *testing.T) {
	for _, c := range []struct {
		maxID int64
		n     int
		dense bool
	}{{100, 10, true}, {1 << 40, 10, false}, {-1, 0, false}} {
		x := newIDIndex(c.maxID, c.n)
		if (x.dense != nil) != c.dense {
			t.Errorf("maxID %d, n %d: dense=%v", c.maxID, c.n, x.dense != nil)
		}
		x.set(7, 0)
		x.set(42, 3)
		x.set(1<<41, 5) // beyond the maximum given
		for id, want := range map[int64]int{7: 0, 42: 3, 1 << 41: 5} {
			if got, ok := x.get(id); !ok || got != want {
				t.Errorf("maxID %d: get(%d) = %d, %v; want %d", c.maxID, id, got, ok, want)
			}
		}
		for _, id := range []int64{0, 8, -3, 1 << 30} {
			if _, ok := x.get(id); ok {
				t.Errorf("maxID %d: get(%d) found", c.maxID, id)
			}
		}
	}
}
