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
	for _, r := range []struct {
		got  Rate
		want int
	}{{oct.ConferencedRate(), 50}, {oct.DiscussedRate(), 67}, {oct.ReportedRate(), 33}} {
		if p, ok := r.got.Pct(); !ok || p != r.want {
			t.Errorf("rate %+v: %d%% (owed %v), want %d%%", r.got, p, ok, r.want)
		}
	}
	if nov := got[0].Months[2]; nov.ReportedOnTime != 1 || nov.Escalations != 1 {
		t.Errorf("unit A, November: %+v", nov)
	}
	// A month with nothing owed is no percentage: not the 100% Share
	// gives it, which would read as compliance.
	sep := got[1].Months[0]
	for _, r := range []Rate{sep.ConferencedRate(), sep.DiscussedRate(), sep.ReportedRate()} {
		if p, ok := r.Pct(); ok || p != 0 {
			t.Errorf("an empty month %+v: rate %+v reads %d%% (owed %v), want nothing owed", sep, r, p, ok)
		}
	}
	if p, ok := (Rate{N: 0, D: 4}).Pct(); !ok || p != 0 {
		t.Errorf("0 of 4: %d%% (owed %v), want 0%%", p, ok)
	}
}

// The visit plan figures go to their unit and month; a month not yet over
// is marked not ended (nothing counted), an ended month without a row owed
// nothing.
func TestAddVisitShortfalls(t *testing.T) {
	months := LastMonths(rules.MustDate("2026-11-23"), 3) // September to November
	trends := []UnitTrend{{UnitID: 1, Name: "A", Months: make([]MonthFigures, 3)}, {UnitID: 2, Name: "B", Months: make([]MonthFigures, 3)}}
	for i := range trends {
		for j, m := range months {
			trends[i].Months[j].Month = m
		}
	}
	AddVisitShortfalls(trends, []VisitMonth{
		{Month: rules.MustDate("2026-10-01"), UnitID: 1, Planned: 4, Short: 2, ShortChild: 1, ShortParents: 2},
		{Month: rules.MustDate("2026-10-01"), UnitID: 3, Planned: 9, Short: 9},
	}, rules.MustDate("2026-11-23"))
	a, b := trends[0].Months, trends[1].Months
	if v := a[1].Visits; !v.Ended || v.Planned != 4 || v.Short != 2 || v.ShortChild != 1 || v.ShortParents != 2 || v.UnitID != 1 || v.Month != months[1] {
		t.Errorf("unit A, October: %+v", v)
	}
	if v := a[0].Visits; !v.Ended || v.Planned != 0 || v.Short != 0 {
		t.Errorf("unit A, September: %+v", v)
	}
	if v := a[2].Visits; v.Ended || v.Short != 0 {
		t.Errorf("unit A, November (not over): %+v", v)
	}
	if v := b[1].Visits; v.Planned != 0 || v.Short != 0 {
		t.Errorf("unit B, October, got another unit's figures: %+v", v)
	}
	// On the first of December, November is over.
	AddVisitShortfalls(trends, nil, rules.MustDate("2026-12-01"))
	if !trends[0].Months[2].Visits.Ended {
		t.Error("November not ended on 2026-12-01")
	}
}
