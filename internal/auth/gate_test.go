package auth

import (
	"context"
	"testing"
)

func TestGateRefusesBeyondItsSlotsAndQueue(t *testing.T) {
	g := NewGate(2, 1)
	ctx := context.Background()
	var held []func()
	for i := range 2 {
		release, ok := g.Enter(ctx)
		if !ok {
			t.Fatalf("slot %d refused", i+1)
		}
		held = append(held, release)
	}
	// The third waits in the queue (until its context ends here); while it
	// waits, a fourth finds the queue full and is refused at once.
	waitCtx, cancel := context.WithCancel(ctx)
	entered := make(chan bool)
	go func() {
		release, ok := g.Enter(waitCtx)
		if ok {
			release()
		}
		entered <- ok
	}()
	for len(g.waiting) < 3 { // the goroutine has its place in line
	}
	if _, ok := g.Enter(ctx); ok {
		t.Fatal("an attempt beyond the slots and the queue was let in")
	}
	cancel()
	if <-entered {
		t.Fatal("a waiter whose context ended got a slot")
	}
	held[0]()
	release, ok := g.Enter(ctx)
	if !ok {
		t.Fatal("a freed slot was not given again")
	}
	release()
	held[1]()
	if len(g.slots) != 0 || len(g.waiting) != 0 {
		t.Fatalf("slots left held: %d hashing, %d in line", len(g.slots), len(g.waiting))
	}
}
