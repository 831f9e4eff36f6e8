package views

import (
	"strconv"
	"strings"
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

// ChartPoints is a polyline's points for the percentages.
func ChartPoints(pcts []int) string {
	var b strings.Builder
	for i, p := range pcts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(ChartX(i, len(pcts))))
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(ChartY(p)))
	}
	return b.String()
}
