package dashboard

import "github.com/casework/casework/internal/rules"

// VisitMonth is a unit's visit plans (MVR) in a month that has ended: the
// cases that owed visits under a plan, and those whose month ended short
// (fewer visits of some kind than the plan set), by kind.
type VisitMonth struct {
	Month                                   rules.Date
	UnitID                                  int64
	Planned, Short                          int
	ShortChild, ShortParents, ShortProvider int
}

// VisitFigures are a unit's visit plan figures for one month of the trends.
// Ended is false for a month not yet over (its visits can still be made):
// then nothing is counted, and the page says so rather than show a zero.
type VisitFigures struct {
	Ended bool
	VisitMonth
}

// AddVisitShortfalls gives each month of the trends its visit plan figures:
// the rows of the months that have ended by today (months without a row
// that have ended owed nothing under a plan).
func AddVisitShortfalls(trends []UnitTrend, rows []VisitMonth, today rules.Date) {
	type key struct {
		unit  int64
		month rules.Date
	}
	byKey := make(map[key]VisitMonth, len(rows))
	for _, r := range rows {
		byKey[key{r.UnitID, r.Month}] = r
	}
	for i := range trends {
		for j := range trends[i].Months {
			m := &trends[i].Months[j]
			m.Visits = VisitFigures{Ended: !m.Month.AddMonths(1).After(today), VisitMonth: byKey[key{trends[i].UnitID, m.Month}]}
			m.Visits.Month, m.Visits.UnitID = m.Month, trends[i].UnitID
		}
	}
}
