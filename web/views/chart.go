package views

import (
	"strconv"
	"strings"

	"github.com/casework/casework/internal/dashboard"
)

// The trend chart's geometry: a plot of 12 months by 0-100%, drawn on the
// server as SVG so it needs no script and prints.
const (
	chartLeft, chartRight = 48, 588
	chartTop, chartBottom = 16, 176
)

// ChartX is the x of the i-th of n points.
func ChartX(i, n int) int {
	if n < 2 {
		return chartLeft
	}
	return chartLeft + i*(chartRight-chartLeft)/(n-1)
}

// ChartY is the y of a percentage.
func ChartY(pct int) int {
	return chartBottom - pct*(chartBottom-chartTop)/100
}

// ChartPath is an SVG path's d for the rates: a line through the months
// that owed something, broken at each month that owed nothing (no point
// there, never one at 100%); a month alone between two such months is a dot
// (a zero-length segment, drawn by the round line cap). No month owing:
// an empty path.
func ChartPath(rates []dashboard.Rate) string {
	var b strings.Builder
	in := false
	for i, r := range rates {
		p, ok := r.Pct()
		if !ok {
			in = false
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if in {
			b.WriteByte('L')
		} else {
			b.WriteByte('M')
		}
		b.WriteString(strconv.Itoa(ChartX(i, len(rates))))
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(ChartY(p)))
		if !in && (i+1 == len(rates) || rates[i+1].D == 0) {
			b.WriteString(" h0")
		}
		in = true
	}
	return b.String()
}
