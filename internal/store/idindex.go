package store

// idIndex maps database ids to positions in a slice being loaded. The
// state-wide facts look ids up millions of times (every event's case, every
// discussed case's conference); a map lookup was a third of the load's CPU.
// When the ids are dense enough, as identity columns are, a slice indexed by
// id does it for a few bytes an id; otherwise a map.
type idIndex struct {
	dense  []int32 // position+1 by id; 0: absent
	sparse map[int64]int
}

// newIDIndex makes an index for up to n ids no greater than maxID.
func newIDIndex(maxID int64, n int) *idIndex {
	if maxID >= 0 && maxID < 1<<26 && maxID <= 16*int64(n)+1<<20 {
		return &idIndex{dense: make([]int32, maxID+1)}
	}
	return &idIndex{sparse: make(map[int64]int, n)}
}

func (x *idIndex) set(id int64, i int) {
	if x.dense != nil {
		if id >= 0 && id < int64(len(x.dense)) {
			x.dense[id] = int32(i) + 1
			return
		}
		// An id above the maximum read before the load (none can be in the
		// snapshot): keep it anyway.
		if x.sparse == nil {
			x.sparse = map[int64]int{}
		}
	}
	x.sparse[id] = i
}

func (x *idIndex) get(id int64) (int, bool) {
	if x.dense != nil && id >= 0 && id < int64(len(x.dense)) {
		if p := x.dense[id]; p > 0 {
			return int(p) - 1, true
		}
		return 0, false
	}
	i, ok := x.sparse[id]
	return i, ok
}
