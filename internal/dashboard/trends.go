package dashboard

import (
	"sort"

	"github.com/casework/casework/internal/rules"
)

// WorkerMonth is one worker's month in one unit, as counted from the history.
type WorkerMonth struct {
	Month       rules.Date // first day
	UnitID      int64
	UnitName    string
	WorkerID    int64
	WorkerName  string
	Conferenced bool // at least one signed supervision conference in the month
	Cases       int  // cases held at some time in the month
	Discussed   int  // of those, discussed in a signed supervision conference in the month
}

// Escalation is a case's risk becoming high or very high, with the first
// signed casework review listing it on or after that day (zero: none yet).
type Escalation struct {
	Month    rules.Date
	UnitID   int64
	On       rules.Date
	Reported rules.Date
}

// MonthFigures are a unit's compliance figures for one month.
type MonthFigures struct {
	Month                       rules.Date
	Workers, Conferenced        int
	Cases, Discussed            int
	Escalations, ReportedOnTime int
	Visits                      VisitFigures // the visit plan months ended short (AddVisitShortfalls)
	// Contacts: the monthly visits and contacts that ended short, one per
	// rule of the unit's Contacts, in that order (AddContactShortfalls).
	Contacts []ContactFigures
}

// Rate is N of D. A rate with nothing owed (D = 0) is no percentage at
// all: the trends and the area dashboard say "nothing owed", the export
// "nothing owed" and the chart leaves the month out, never 100%, which
// would read as compliance that did not happen.
type Rate struct{ N, D int }

// Pct is the rate in whole percent, rounded half up, and whether anything
// was owed (false: no percentage, and the 0 returned is not one). It is the
// only way to a percentage: there is no share of nothing to mistake for a
// full one.
func (r Rate) Pct() (int, bool) {
	if r.D == 0 {
		return 0, false
	}
	return (r.N*100 + r.D/2) / r.D, true
}

// ConferencedRate, DiscussedRate and ReportedRate are the month's three
// rates: workers conferenced of the workers, cases discussed of the cases
// held, escalations reported on time of the escalations.
func (m MonthFigures) ConferencedRate() Rate { return Rate{m.Conferenced, m.Workers} }
func (m MonthFigures) DiscussedRate() Rate   { return Rate{m.Discussed, m.Cases} }
func (m MonthFigures) ReportedRate() Rate    { return Rate{m.ReportedOnTime, m.Escalations} }

// UnitTrend is a unit's figures month by month.
type UnitTrend struct {
	UnitID int64
	Name   string
	Months []MonthFigures
	// Contacts: the monthly contact rules the trends count, in the order
	// of each month's Contacts (AddContactShortfalls).
	Contacts []ContactRule
}

// Trends sums the history into each unit's monthly figures, for the months
// given (first days, in order). A report is on time when a casework review
// listed the case within one business day of the escalation (the profile's
// calendar); the figures count escalations, not the contract's episodes (an
// escalation of a case assigned later is counted from the escalation).
func Trends(months []rules.Date, wm []WorkerMonth, esc []Escalation, cal rules.Calendar) []UnitTrend {
	index := map[int64]int{}
	var out []UnitTrend
	unit := func(id int64, name string) *UnitTrend {
		i, ok := index[id]
		if !ok {
			i = len(out)
			index[id] = i
			t := UnitTrend{UnitID: id, Name: name, Months: make([]MonthFigures, len(months))}
			for j, m := range months {
				t.Months[j].Month = m
			}
			out = append(out, t)
		}
		return &out[i]
	}
	monthIndex := map[rules.Date]int{}
	for i, m := range months {
		monthIndex[m] = i
	}
	for _, w := range wm {
		j, ok := monthIndex[w.Month]
		if !ok {
			continue
		}
		f := &unit(w.UnitID, w.UnitName).Months[j]
		f.Workers++
		if w.Conferenced {
			f.Conferenced++
		}
		f.Cases += w.Cases
		f.Discussed += w.Discussed
	}
	for _, e := range esc {
		j, ok := monthIndex[e.Month]
		i, known := index[e.UnitID]
		if !ok || !known {
			continue
		}
		f := &out[i].Months[j]
		f.Escalations++
		if !e.Reported.IsZero() && !e.Reported.After(cal.AddBusinessDays(e.On, 1)) {
			f.ReportedOnTime++
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// LastMonths returns the first days of the twelve months ending with the
// month of asOf, oldest first.
func LastMonths(asOf rules.Date, n int) []rules.Date {
	first := asOf.StartOfMonth()
	out := make([]rules.Date, n)
	for i := range n {
		out[n-1-i] = first.AddMonths(-i)
	}
	return out
}
