package auth

import (
	"context"
	"runtime"
)

// Gate bounds the password hashes computed at once. Each argon2id check
// takes 64 MiB and a core for a fraction of a second, so a flood of sign-in
// attempts left unbounded takes the memory of the process and the CPU of
// everyone else's pages. At most Slots hashes run; at most Waiting more
// attempts wait for a slot; any attempt beyond those is refused at once
// (the caller answers 503 with Retry-After), without hashing.
type Gate struct {
	slots   chan struct{}
	waiting chan struct{}
}

// NewGate makes a gate of slots hashes at once with waiting places in the
// queue; slots < 1 means one per core (GOMAXPROCS), waiting < 0 none.
func NewGate(slots, waiting int) *Gate {
	if slots < 1 {
		slots = runtime.GOMAXPROCS(0)
	}
	return &Gate{slots: make(chan struct{}, slots), waiting: make(chan struct{}, slots+max(waiting, 0))}
}

// Enter takes a slot, waiting in the queue if there is a place in it, and
// returns the function that gives the slot back. ok is false, and nothing
// is held, when the queue is full or ctx ended while waiting.
func (g *Gate) Enter(ctx context.Context) (release func(), ok bool) {
	select {
	case g.waiting <- struct{}{}: // a place in line (those hashing keep theirs)
	default:
		return nil, false
	}
	select {
	case g.slots <- struct{}{}:
		// The hash's 64 MiB are garbage once it returns: collected before
		// the slot is given back, so that the next hash reuses them instead
		// of the process growing by another 64 MiB until the collector
		// comes round (under a flood the peak was at the 300 MB target).
		return func() { runtime.GC(); <-g.slots; <-g.waiting }, true
	case <-ctx.Done():
		<-g.waiting
		return nil, false
	}
}
