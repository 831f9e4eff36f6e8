package rules

import (
	"math/rand/v2"
	"testing"
)

// A case's latest fact of a mask, from its latest of each kind, is the
// latest of a pass over its facts; its facts counted by month in one pass
// are those counted month by month: on random facts, masks and lower
// bounds, month ends and leap days among them.
func TestCaseLatestAndMonthCountsAgreeWithAPassEach(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 128))
	var index []*factIndex
	for _, asOf := range []Date{DateOf(2028, 3, 1), DateOf(2028, 2, 29), DateOf(2026, 12, 31), DateOf(2027, 1, 15)} {
		index = append(index, buildIndex(&Facts{}, asOf, Calendar{}))
	}
	for trial := range 4000 {
		x := index[trial%len(index)]
		asOf := x.asOf
		refs := make([]ref, rng.IntN(40))
		for i := range refs {
			refs[i] = ref{n: asOf.AddDays(-rng.IntN(900)).n, k: uint8(rng.IntN(16))} // some before the oldest month
		}
		ci := caseInfo{refs: refs}
		ci.findLatest()
		mask := uint16(rng.Uint32())
		var lo Date
		if trial%3 != 0 {
			lo = asOf.AddDays(-rng.IntN(900))
		}
		if got, want := ci.latest(mask, lo), latest(refs, mask, lo); got != want {
			t.Fatalf("trial %d: latest %v, a pass gives %v", trial, got, want)
		}
		byMonth := x.monthCounts(refs, mask, lo)
		for i := range byMonth {
			m := asOf.StartOfMonth().AddMonths(-i)
			from := maxDate(m, lo)
			if want := count(refs, mask, from, minDate(m.EndOfMonth(), asOf)); byMonth[i] != want {
				t.Fatalf("trial %d: %d facts counted in the month of %v, a pass gives %d", trial, byMonth[i], m, want)
			}
		}
	}
}
