package auth

import (
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	th := DefaultThrottle
	for _, c := range []struct {
		account, address int
		locked           bool
	}{{0, 0, false}, {4, 19, false}, {5, 0, true}, {0, 20, true}} {
		if got := th.Locked(c.account, c.address); got != c.locked {
			t.Errorf("Locked(%d, %d) = %v", c.account, c.address, got)
		}
	}
	want := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}
	for n, w := range want {
		if got := th.Delay(n); got != w {
			t.Errorf("Delay(%d) = %v, want %v", n, got, w)
		}
	}
	if th.Delay(200) != 4*time.Second {
		t.Error("Delay overflows for many failures")
	}
}
