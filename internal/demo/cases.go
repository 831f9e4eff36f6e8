package demo

import (
	"fmt"
	"time"

	"github.com/casework/casework/internal/store"
)

var goalsOutOfHome = []string{"reunification", "reunification", "reunification", "adoption", "kinship_legal_guardianship", "relative_placement", "independent_living"}

// addCase makes one open case assigned to w, with its risk history, events and
// court dates. prior, when the case came by transfer, held it before.
func (g *generator) addCase(w store.Person, since time.Time, office int, prior store.Person) {
	id := g.caseBase + int64(len(g.d.Cases)+1)
	received := g.between(g.asOf.AddDate(-2, 0, 0), g.asOf.AddDate(0, 0, -3))
	if g.pick(0.15) { // a share of recent cases, so new-case rules show
		received = g.between(g.asOf.AddDate(0, 0, -40), g.asOf.AddDate(0, 0, -2))
	}
	// Usually assigned within two business days; now and then late.
	assigned := received.AddDate(0, 0, g.rng.IntN(3))
	if g.pick(0.08) {
		assigned = received.AddDate(0, 0, 3+g.rng.IntN(5))
	}
	if assigned.Before(since) {
		// The worker joined the unit later: the case came to them then, from
		// the colleague who held it before.
		if !received.Before(since) || prior.ID == w.ID {
			assigned = since
		} else {
			g.d.Assignments = append(g.d.Assignments, store.Position{A: id, B: prior.ID, Since: assigned, Until: since})
			assigned = since
		}
	}
	if !assigned.Before(g.asOf) {
		assigned = g.asOf.AddDate(0, 0, -1)
	}
	c := g.inHomeCase(id, received, office)
	if g.pick(0.55) {
		c.Setting = "out_of_home"
		c.PlacementDate = g.between(received.AddDate(0, 0, -10), maxDate(received.AddDate(0, 0, 1), minDate(received.AddDate(0, 4, 0), g.asOf.AddDate(0, 0, -1))))
		c.Goal = goalsOutOfHome[g.rng.IntN(len(goalsOutOfHome))]
	}
	if c.Setting == "out_of_home" || g.pick(0.3) {
		c.CourtInvolved = true
		c.CourtNext = g.asOf.AddDate(0, 0, -4+g.rng.IntN(75))
	}
	if g.pick(0.06) {
		c.Closing = g.asOf.AddDate(0, 0, 3+g.rng.IntN(40))
	}
	g.d.Cases = append(g.d.Cases, c)
	g.d.Assignments = append(g.d.Assignments, store.Position{A: id, B: w.ID, Since: assigned})
	g.riskHistory(c, w)
	g.caseEvents(c, assigned, w)
}

// inHomeCase is a case received on the date, in its office, with a family
// name and a screening date drawn in that order (the demo's draws must not
// change order, or the demo would).
func (g *generator) inHomeCase(id int64, received time.Time, office int) store.Case {
	return store.Case{
		ID:          id,
		CaseNumber:  fmt.Sprintf("%d-%06d", received.Year(), 100000+id*37%899999),
		FamilyName:  lastNames[g.rng.IntN(len(lastNames))],
		OfficeID:    int64(office + 1),
		Setting:     "in_home",
		Goal:        "remain_home",
		SCRAssigned: received.AddDate(0, 0, -1-g.rng.IntN(5)),
		Received:    received,
	}
}

// riskLevel draws an assessment: mostly low or moderate, about one in eight
// high or very high, as in a permanency caseload.
func (g *generator) riskLevel() string {
	switch n := g.rng.IntN(100); {
	case n < 35:
		return "low"
	case n < 87:
		return "moderate"
	case n < 97:
		return "high"
	default:
		return "very_high"
	}
}

// addUnassignedCase is a case just received from intake, not yet assigned.
func (g *generator) addUnassignedCase(office int64) {
	id := g.caseBase + int64(len(g.d.Cases)+1)
	received := g.asOf.AddDate(0, 0, -1-g.rng.IntN(4))
	g.d.Cases = append(g.d.Cases, store.Case{
		ID: id, CaseNumber: fmt.Sprintf("%d-%06d", received.Year(), 100000+id*37%899999),
		FamilyName: lastNames[g.rng.IntN(len(lastNames))], OfficeID: office,
		Setting: "in_home", Goal: "remain_home", SCRAssigned: received.AddDate(0, 0, -2), Received: received,
	})
	g.d.Risks = append(g.d.Risks, store.Risk{CaseID: id, Level: "moderate", AssessedOn: received})
}

// riskHistory: an assessment at intake, then now and then a change. About one
// case in eight is high or very high now, some of them since the last days, so
// the one-day report and the weekly review appear in every state.
func (g *generator) riskHistory(c store.Case, w store.Person) {
	level := g.riskLevel()
	on := c.Received
	g.d.Risks = append(g.d.Risks, store.Risk{CaseID: c.ID, Level: level, AssessedOn: on, RecordedBy: w.ID})
	for {
		on = on.AddDate(0, 2+g.rng.IntN(4), g.rng.IntN(20))
		if !on.Before(g.asOf) {
			break
		}
		next := g.riskLevel()
		if next == level {
			continue
		}
		level = next
		g.d.Risks = append(g.d.Risks, store.Risk{CaseID: c.ID, Level: level, AssessedOn: on, RecordedBy: w.ID})
	}
	// A recent escalation on a few cases: the one-day report is due now.
	if level != "high" && level != "very_high" && g.pick(0.05) {
		on := g.asOf.AddDate(0, 0, -1-g.rng.IntN(9))
		last := g.d.Risks[len(g.d.Risks)-1].AssessedOn
		if on.After(last) {
			g.d.Risks = append(g.d.Risks, store.Risk{CaseID: c.ID, Level: []string{"high", "very_high"}[g.rng.IntN(2)], AssessedOn: on, RecordedBy: w.ID})
		}
	}
}

// addClosedCase makes an in-home case that w received and closed within
// [from, until) (w's time in the unit, within the history): the turnover of
// a caseload, which the open cases alone leave out of the history. Its
// assignment, risk assessment and events end at its closing.
func (g *generator) addClosedCase(w store.Person, from, until time.Time, office int) {
	last := minDate(until, g.asOf).AddDate(0, 0, -30)
	if !from.Before(last) {
		return
	}
	id := g.caseBase + int64(len(g.d.Cases)+1)
	received := g.between(from, last)
	assigned := received.AddDate(0, 0, g.rng.IntN(3))
	closed := minDate(received.AddDate(0, 3+g.rng.IntN(7), g.rng.IntN(28)), minDate(until, g.asOf.AddDate(0, 0, -1)))
	if !assigned.Before(closed) {
		return
	}
	c := g.inHomeCase(id, received, office)
	c.Closed = closed
	g.d.Cases = append(g.d.Cases, c)
	g.d.Assignments = append(g.d.Assignments, store.Position{A: id, B: w.ID, Since: assigned, Until: closed})
	level := g.riskLevel()
	if level == "high" || level == "very_high" {
		level = "moderate" // an in-home case closed in months was not at high risk long
	}
	g.d.Risks = append(g.d.Risks, store.Risk{CaseID: id, Level: level, AssessedOn: received, RecordedBy: w.ID})
	g.caseEventsUntil(c, assigned, closed, g.start, w)
}

// caseEvents: the visit plan (MVR) and the visits (visits.go), monthly
// contact-sheet approvals (some missed, some pending), the placement
// milestones, and the closure steps of cases planned to close.
func (g *generator) caseEvents(c store.Case, assigned time.Time, w store.Person) {
	g.caseEventsUntil(c, assigned, g.asOf, time.Time{}, w)
}

// caseEventsUntil is caseEvents for a case whose history ends before the
// as-of date (a closed case): nothing on or after end, nor before notBefore.
func (g *generator) caseEventsUntil(c store.Case, assigned, end, notBefore time.Time, w store.Person) {
	from := maxDate(assigned, g.start)
	add := func(kind string, on time.Time, approval string) {
		if !on.Before(end) || on.Before(notBefore) {
			return // the history ends the day before the as-of date, or with the case
		}
		e := store.Event{CaseID: c.ID, Kind: kind, OccurredOn: on, RecordedBy: w.ID, Approval: approval}
		if approval != "not_required" {
			e.DocumentedOn = on.AddDate(0, 0, g.rng.IntN(4))
			if !e.DocumentedOn.Before(g.asOf) {
				e.DocumentedOn = on
			}
		}
		g.d.Events = append(g.d.Events, e)
	}
	// The visit plan: usually within the policy's window, sometimes late;
	// kept in the app as the case's plan (MVR) from g.planFrom on.
	anchor := c.SCRAssigned
	if !c.PlacementDate.IsZero() && c.PlacementDate.Before(anchor) {
		anchor = c.PlacementDate
	}
	var mvrOn time.Time
	if g.pick(0.92) {
		mvrOn = anchor.AddDate(0, 0, 10+g.rng.IntN(45))
		add("mvr_established", mvrOn, "not_required")
	}
	// Visits: about monthly until the plan is owed, then as it sets them.
	planned := end
	plans := g.visitPlans(c, mvrOn, from, end, w)
	if len(plans) > 0 {
		planned = monthCeil(plans[0].From)
	}
	g.sparseVisits(c, from, minDate(planned, end), add)
	g.plannedVisits(c, plans, planned, end, add)
	g.parentChildVisits(c, from, end, add)
	g.siblingsApart(c, from, end, w, add)
	// The supervisor's monthly approval of the contact sheet, mostly on time.
	for m := lastOfMonth(from); m.Before(end); m = lastOfMonth(m.AddDate(0, 0, 1)) {
		if g.pick(0.88) {
			add("contact_sheet_approved", m.AddDate(0, 0, -g.rng.IntN(10)), "not_required")
		}
	}
	if c.Setting == "out_of_home" {
		p := c.PlacementDate
		milestones := []struct {
			kind    string
			days, p int
		}{{"child_visit", 2, 95}, {"cprb_notification", 3, 90}, {"relative_notification", 20, 90}, {"family_team_meeting", 25, 85}, {"ninety_day_staffing", 85, 85}}
		for _, m := range milestones {
			if g.rng.IntN(100) < m.p {
				approval := "not_required"
				if m.kind == "child_visit" {
					approval = "approved"
				}
				add(m.kind, p.AddDate(0, 0, m.days-2+g.rng.IntN(5)), approval)
			}
		}
	} else if assigned.After(g.asOf.AddDate(0, 0, -30)) && g.pick(0.85) {
		add("child_visit", assigned.AddDate(0, 0, 2+g.rng.IntN(8)), "pending")
	}
	if !c.Closing.IsZero() && g.pick(0.5) {
		add("risk_reassessment", g.asOf.AddDate(0, 0, -1-g.rng.IntN(5)), "not_required")
	}
}

func maxDate(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minDate(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
