package dashboard

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/casework/casework/internal/rules"
)

func TestTrends(t *testing.T) {
	months := LastMonths(d("2026-11-22"), 3)
	if diff := cmp.Diff([]rules.Date{d("2026-09-01"), d("2026-10-01"), d("2026-11-01")}, months); diff != "" {
		t.Fatalf("months (-want +got):\n%s", diff)
	}
	wm := []WorkerMonth{
		{Month: d("2026-10-01"), UnitID: 1, UnitName: "B", WorkerID: 1, Conferenced: true, Cases: 10, Discussed: 10},
		{Month: d("2026-10-01"), UnitID: 1, UnitName: "B", WorkerID: 2, Conferenced: false, Cases: 8, Discussed: 2},
		{Month: d("2026-11-01"), UnitID: 1, UnitName: "B", WorkerID: 1, Conferenced: true, Cases: 10, Discussed: 5},
		{Month: d("2026-11-01"), UnitID: 2, UnitName: "A", WorkerID: 3, Conferenced: true, Cases: 4, Discussed: 4},
		{Month: d("2025-01-01"), UnitID: 1, UnitName: "B", WorkerID: 1}, // outside the months: ignored
	}
	esc := []Escalation{
		// Fri 2026-10-02: one business day later is Mon 5th.
		{Month: d("2026-10-01"), UnitID: 1, On: d("2026-10-02"), Reported: d("2026-10-05")},
		{Month: d("2026-10-01"), UnitID: 1, On: d("2026-10-02"), Reported: d("2026-10-06")}, // late
		{Month: d("2026-10-01"), UnitID: 1, On: d("2026-10-20")},                            // never reported
		// Wed 2026-11-25 with Thanksgiving on the 26th: on time on Fri 27th.
		{Month: d("2026-11-01"), UnitID: 2, On: d("2026-11-25"), Reported: d("2026-11-27")},
	}
	cal := rules.NewCalendar([]rules.Date{d("2026-11-26")})
	got := Trends(months, wm, esc, cal)
	if len(got) != 2 || got[0].Name != "A" || got[1].Name != "B" {
		t.Fatalf("units: %+v", got)
	}
	oct := got[1].Months[1]
	want := MonthFigures{Month: d("2026-10-01"), Workers: 2, Conferenced: 1, Cases: 18, Discussed: 12, Escalations: 3, ReportedOnTime: 1}
	if diff := cmp.Diff(want, oct); diff != "" {
		t.Errorf("unit B, October (-want +got):\n%s", diff)
	}
	if oct.ConferencedPct() != 50 || oct.DiscussedPct() != 67 || oct.ReportedPct() != 33 {
		t.Errorf("rates: %d %d %d", oct.ConferencedPct(), oct.DiscussedPct(), oct.ReportedPct())
	}
	if nov := got[0].Months[2]; nov.ReportedOnTime != 1 || nov.Escalations != 1 {
		t.Errorf("unit A, November: %+v", nov)
	}
	if sep := got[1].Months[0]; sep.Workers != 0 || sep.ConferencedPct() != 100 {
		t.Errorf("an empty month: %+v", sep)
	}
}
