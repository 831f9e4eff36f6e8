package views

import (
	"testing"

	"github.com/casework/casework/internal/dashboard"
)

// A month that owed nothing is left out of its line (a gap), never drawn at
// 100%; a month alone between two such months is a dot; a series owing
// nothing at all is an empty path.
func TestChartPathLeavesNothingOwedOut(t *testing.T) {
	rates := []dashboard.Rate{{N: 1, D: 2}, {N: 2, D: 2}, {}, {N: 0, D: 3}, {}, {N: 3, D: 4}, {N: 1, D: 1}}
	x := func(i int) string { return Itoa(ChartX(i, len(rates))) }
	y := func(p int) string { return Itoa(ChartY(p)) }
	want := "M" + x(0) + "," + y(50) + " L" + x(1) + "," + y(100) +
		" M" + x(3) + "," + y(0) + " h0" +
		" M" + x(5) + "," + y(75) + " L" + x(6) + "," + y(100)
	if got := ChartPath(rates); got != want {
		t.Errorf("path %q, want %q", got, want)
	}
	if got := ChartPath([]dashboard.Rate{{}, {}}); got != "" {
		t.Errorf("nothing owed in any month: %q, want an empty path", got)
	}
	if got := ChartPath([]dashboard.Rate{{}, {N: 1, D: 1}}); got != "M"+Itoa(ChartX(1, 2))+","+y(100)+" h0" {
		t.Errorf("one month owing, the last: %q", got)
	}
}
