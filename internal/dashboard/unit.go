// Package dashboard turns the rules engine's answer for a unit into what the
// supervisor's dashboard shows: one row per worker, most urgent first, and the
// unit's totals. It is pure: facts and obligations in, rows out, so the
// dashboard's arithmetic is tested without a database or a browser.
package dashboard

import (
	"sort"

	"github.com/casework/casework/internal/rules"
)

// Worker is what the caller knows of a unit member beyond the facts.
type Worker struct {
	PersonID        int64
	FactID          string // the worker's id in the facts
	Name            string
	PendingContacts int // contacts recorded and awaiting the supervisor's approval
	// Records: the worker's conference records of the month, and every
	// draft, with when each was entered.
	Records []Record
}

// Record is a conference record's dates, for the documentation deadline.
type Record struct {
	Held, Entered rules.Date
	Signed        bool
}

// Row is one worker's line on the unit dashboard.
type Row struct {
	Worker
	FirstYear bool
	Caseload  int
	// NextConference is the worker's supervision.worker obligation; nil when
	// the worker owes none (no assigned open case).
	NextConference *rules.Obligation
	// VisitReview is the supervisor's monthly review of the worker's visit
	// plans (a rule tagged visit_review); nil when none is owed.
	VisitReview *rules.Obligation
	// Coverage is how much of the caseload has been discussed this month.
	Coverage rules.MonthCoverage
	// Undiscussed: caseload cases not yet discussed this month.
	Undiscussed []string
	// RiskAwaiting: high and very high risk cases whose one-day report is not
	// yet made, or whose weekly review is overdue.
	RiskAwaiting []string
	// OverdueMilestones: overdue placement, visit, visit-plan and closure
	// obligations of the worker's cases.
	OverdueMilestones []rules.Obligation
	// OverdueVisits: overdue obligations of the worker's cases whose rule is
	// tagged visits (the visit plan's monthly counts, the weekly and monthly
	// visits and contacts, and the first visits and the visit before closing,
	// which are milestones too).
	OverdueVisits []rules.Obligation
	// Overdue counts every overdue obligation of the worker and their cases.
	Overdue int
	// LateEntries: records of the month entered after their deadline.
	// UnsignedOverdue: drafts not signed by their deadline.
	LateEntries, UnsignedOverdue int
}

// Totals sums the unit's rows.
type Totals struct {
	Workers, FirstYear, Caseload                          int
	ConferencesOverdue, ConferencesDueThisWeek            int
	Undiscussed, RiskAwaiting, PendingContacts, Milestone int
	LateEntries, UnsignedOverdue                          int
	Visits                                                int // overdue visit obligations (Row.OverdueVisits)
	// VisitReviewsOverdue: workers whose supervisor's monthly review of
	// their visit plans (Row.VisitReview, a rule tagged visit_review) is
	// overdue.
	VisitReviewsOverdue int
}

// Unit is the dashboard of one unit.
type Unit struct {
	Rows   []Row
	Totals Totals
	// ByCase holds every obligation of each case of the unit, in the
	// engine's order, for the lists the numbers link to.
	ByCase map[string][]rules.Obligation
	// CaseWorker maps each case to its worker's fact id.
	CaseWorker map[string]string
	// Rules is the profile version the obligations were evaluated with:
	// the dashboard selects them by its rules' tags.
	Rules *rules.Version
}

// Is reports whether an obligation's rule has the tag.
func (u *Unit) Is(o rules.Obligation, t rules.Tag) bool {
	v := u.Rules
	if v == nil {
		v = rules.Result{}.Version()
	}
	r, ok := v.Rule(o.Rule)
	return ok && r.Tags.Has(t)
}

// Build computes the dashboard from the unit's facts and the engine's result
// for them, evaluated once for the whole unit.
func Build(f rules.Facts, res rules.Result, workers []Worker) Unit {
	u := Unit{ByCase: map[string][]rules.Obligation{}, CaseWorker: map[string]string{}, Rules: res.Version()}
	byStaff := map[string][]rules.Obligation{}
	for _, c := range f.Cases {
		if c.Worker != "" {
			u.CaseWorker[c.ID] = c.Worker
		}
	}
	for _, o := range res.Obligations {
		if _, isCase := u.CaseWorker[o.Subject]; isCase {
			u.ByCase[o.Subject] = append(u.ByCase[o.Subject], o)
		} else {
			byStaff[o.Subject] = append(byStaff[o.Subject], o)
		}
	}
	cal := rules.NewCalendar(f.Holidays)
	if !f.HolidaysSet && len(f.Holidays) == 0 {
		cal = u.Rules.Calendar
	}
	rowOf := map[string]int{}
	for _, w := range workers {
		cov := rules.Coverage(f, w.FactID, res.AsOf)
		r := Row{Worker: w, FirstYear: cov.FirstYear, Caseload: cov.Caseload, Coverage: cov, Undiscussed: cov.Uncovered}
		for _, rec := range w.Records {
			due := u.Rules.DocumentationDue(cal, rec.Held)
			switch {
			case !rec.Signed && res.AsOf.After(due):
				r.UnsignedOverdue++
			case rec.Entered.After(due) && rec.Held.StartOfMonth() == res.AsOf.StartOfMonth():
				r.LateEntries++
			}
		}
		for _, o := range byStaff[w.FactID] {
			if u.Is(o, rules.TagWorkerConference) {
				o := o
				r.NextConference = &o
			}
			if u.Is(o, rules.TagVisitReview) {
				o := o
				r.VisitReview = &o
			}
			if o.State == rules.StateOverdue {
				r.Overdue++
			}
		}
		rowOf[w.FactID] = len(u.Rows)
		u.Rows = append(u.Rows, r)
	}
	// Case obligations, visited in a stable order of cases.
	cases := make([]string, 0, len(u.ByCase))
	for id := range u.ByCase {
		cases = append(cases, id)
	}
	sort.Strings(cases)
	for _, id := range cases {
		i, ok := rowOf[u.CaseWorker[id]]
		if !ok {
			continue
		}
		r := &u.Rows[i]
		awaiting := false
		for _, o := range u.ByCase[id] {
			if o.State == rules.StateOverdue {
				r.Overdue++
				if u.Is(o, rules.TagMilestone) { // placement steps, first visits, the visit plan, closure steps
					r.OverdueMilestones = append(r.OverdueMilestones, o)
				}
				if u.Is(o, rules.TagVisits) {
					r.OverdueVisits = append(r.OverdueVisits, o)
				}
			}
			if (u.Is(o, rules.TagRiskReport) && (o.State == rules.StateOpen || o.State == rules.StateOverdue)) ||
				(u.Is(o, rules.TagRiskReview) && o.State == rules.StateOverdue) {
				awaiting = true
			}
		}
		if awaiting {
			r.RiskAwaiting = append(r.RiskAwaiting, id)
		}
	}
	sort.SliceStable(u.Rows, func(i, j int) bool { return moreUrgent(u.Rows[i], u.Rows[j]) })
	weekEnd := res.AsOf.AddDays(7)
	for _, r := range u.Rows {
		t := &u.Totals
		t.Workers++
		t.Caseload += r.Caseload
		t.Undiscussed += len(r.Undiscussed)
		t.RiskAwaiting += len(r.RiskAwaiting)
		t.PendingContacts += r.PendingContacts
		t.Milestone += len(r.OverdueMilestones)
		t.Visits += len(r.OverdueVisits)
		t.LateEntries += r.LateEntries
		t.UnsignedOverdue += r.UnsignedOverdue
		if r.FirstYear {
			t.FirstYear++
		}
		if r.VisitReview != nil && r.VisitReview.State == rules.StateOverdue {
			t.VisitReviewsOverdue++
		}
		if r.NextConference != nil {
			switch {
			case r.NextConference.State == rules.StateOverdue:
				t.ConferencesOverdue++
			case !r.NextConference.Due.After(weekEnd):
				t.ConferencesDueThisWeek++
			}
		}
	}
	return u
}

// moreUrgent orders the rows: an overdue conference first, then cases at high
// risk awaiting their report or review, then the count of everything
// overdue, then the nearest conference due, then the name.
func moreUrgent(a, b Row) bool {
	ao, bo := a.NextConference != nil && a.NextConference.State == rules.StateOverdue, b.NextConference != nil && b.NextConference.State == rules.StateOverdue
	if ao != bo {
		return ao
	}
	if len(a.RiskAwaiting) != len(b.RiskAwaiting) {
		return len(a.RiskAwaiting) > len(b.RiskAwaiting)
	}
	if a.Overdue != b.Overdue {
		return a.Overdue > b.Overdue
	}
	ad, bd := dueOf(a), dueOf(b)
	if c := ad.Compare(bd); c != 0 {
		return c < 0
	}
	return a.Name < b.Name
}

// dueOf is the next conference's due date; a worker who owes none sorts last.
func dueOf(r Row) rules.Date {
	if r.NextConference == nil {
		return rules.MustDate("9999-12-31")
	}
	return r.NextConference.Due
}
