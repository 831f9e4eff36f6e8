package dashboard

import (
	"testing"

	"github.com/casework/casework/internal/rules"
)

// The monthly contact figures go to their unit, month and rule: a month
// not over is not ended (nothing counted), a month the rule was not read
// for is not read (nothing owed under it, not a zero), an ended month read
// without a row owed nothing, and another unit's row stays with it.
func TestAddContactShortfalls(t *testing.T) {
	d := rules.MustDate
	months := LastMonths(d("2026-11-23"), 3) // September to November
	trends := []UnitTrend{{UnitID: 1, Name: "A", Months: make([]MonthFigures, 3)}, {UnitID: 2, Name: "B", Months: make([]MonthFigures, 3)}}
	for i := range trends {
		for j, m := range months {
			trends[i].Months[j].Month = m
		}
	}
	cols := []ContactRule{{Key: "r.parent", Label: "Monthly contact with the parents"}, {Key: "r.collateral", Label: "Monthly collateral contact"}}
	read := []ContactRead{
		{Month: d("2026-10-01"), Key: "r.parent"}, {Month: d("2026-10-01"), Key: "r.collateral"},
		{Month: d("2026-11-01"), Key: "r.parent"}, {Month: d("2026-11-01"), Key: "r.collateral"},
		{Month: d("2026-09-01"), Key: "r.collateral"}, // September: the parent rule not in force
	}
	rows := []ContactMonth{
		{Month: d("2026-10-01"), UnitID: 1, Key: "r.parent", Owing: 5, Short: 2},
		{Month: d("2026-09-01"), UnitID: 1, Key: "r.collateral", Owing: 3, Short: 0},
		{Month: d("2026-10-01"), UnitID: 2, Key: "r.collateral", Owing: 7, Short: 7},
	}
	AddContactShortfalls(trends, cols, read, rows, d("2026-11-23"))
	a, b := trends[0], trends[1]
	if len(a.Contacts) != 2 || a.Contacts[0].Label != "Monthly contact with the parents" || len(b.Contacts) != 2 {
		t.Fatalf("columns: %+v / %+v", a.Contacts, b.Contacts)
	}
	want := []struct {
		unit       UnitTrend
		month, col int
		f          ContactFigures
		owed       bool
	}{
		{a, 1, 0, ContactFigures{Ended: true, Read: true, Owing: 5, Short: 2}, true},
		{a, 1, 1, ContactFigures{Ended: true, Read: true}, false}, // read, no case owing: nothing owed
		{a, 0, 0, ContactFigures{Ended: true}, false},             // not a rule in September
		{a, 0, 1, ContactFigures{Ended: true, Read: true, Owing: 3}, true},
		{a, 2, 0, ContactFigures{}, false}, // November has not ended
		{b, 1, 1, ContactFigures{Ended: true, Read: true, Owing: 7, Short: 7}, true},
		{b, 1, 0, ContactFigures{Ended: true, Read: true}, false}, // not unit A's row
	}
	for _, w := range want {
		got := w.unit.Months[w.month].Contacts[w.col]
		if got != w.f || got.Owed() != w.owed {
			t.Errorf("unit %s, %s, %s: %+v (owed %v), want %+v (owed %v)", w.unit.Name, w.unit.Months[w.month].Month, cols[w.col].Key, got, got.Owed(), w.f, w.owed)
		}
	}
	// On the first of December, November is over and counted.
	AddContactShortfalls(trends, cols, read, nil, d("2026-12-01"))
	if f := trends[0].Months[2].Contacts[0]; !f.Ended || !f.Read || f.Owed() {
		t.Errorf("November on 2026-12-01: %+v, want ended, read, nothing owed", f)
	}
}
