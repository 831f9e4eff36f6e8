package auth

import "time"

// Throttle is the sign-in lockout policy: after MaxPerAccount failures for
// one email, or MaxPerAddress from one address, within Window, sign-in is
// refused until the window has passed; and each failure after the first few
// is answered more slowly, so guessing is slow even below the lockout.
type Throttle struct {
	MaxPerAccount int
	MaxPerAddress int
	Window        time.Duration
}

// DefaultThrottle: five tries per account and twenty per address in fifteen
// minutes (an office behind one address has many honest typists).
var DefaultThrottle = Throttle{MaxPerAccount: 5, MaxPerAddress: 20, Window: 15 * time.Minute}

// Locked reports whether the counts of recent failures lock sign-in.
func (t Throttle) Locked(byAccount, byAddress int) bool {
	return byAccount >= t.MaxPerAccount || byAddress >= t.MaxPerAddress
}

// Delay is how long to wait before answering a failed attempt, given the
// failures before it: none for the first two, then 1, 2, 4 seconds, at most 4.
func (t Throttle) Delay(previousFailures int) time.Duration {
	if previousFailures < 2 {
		return 0
	}
	d := time.Second << (previousFailures - 2)
	if d > 4*time.Second || d <= 0 {
		d = 4 * time.Second
	}
	return d
}
