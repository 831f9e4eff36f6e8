package store

import (
	"testing"
	"unsafe"
)

// TestShortWordsIntern: each name comes back equal to itself, the same
// string every time (one allocation per kind, not per event), and names
// sharing a slot (same length and last byte) are told apart.
func TestShortWordsIntern(t *testing.T) {
	var k shortWords
	names := []string{"child_visit", "parent_visit", "aarent_visit", "x", "y", "collateral_contact", "child_visis"}
	first := map[string]string{}
	for round := range 3 {
		for _, n := range names {
			got := k.intern([]byte(n))
			if got != n {
				t.Fatalf("round %d: intern(%q) = %q", round, n, got)
			}
			if round == 0 {
				first[n] = got
			} else if unsafe.StringData(got) != unsafe.StringData(first[n]) {
				t.Fatalf("round %d: intern(%q) made a new string", round, n)
			}
		}
	}
	if got := k.intern(nil); got != "" {
		t.Fatalf("intern(nil) = %q", got)
	}
}
