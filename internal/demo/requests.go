package demo

import (
	"time"

	"github.com/casework/casework/internal/store"
)

// The records of two rules kept in the app itself (docs/rules.md,
// "Emergent conferences" and "The supervisor's monthly MVR compliance
// review"): the supervisors' emergent requests to their casework
// supervisor, and their monthly reviews of each worker's visit plans.

var reviewNotes = []string{
	"Visits against the visit plans reviewed: every plan met this month.",
	"Reviewed the visit plans with the worker; one child visit short, scheduled for next week.",
	"All planned visits made; collateral contacts documented.",
	"Reviewed the plans; the parent visits on one case are behind and the worker has a plan to catch up.",
}

// visitReviews: the supervisor reviews the worker's visit plans once a
// calendar month, in its last two weeks, from the month the plans are kept
// in the app, while the worker is in the supervisor's unit (from until
// until, zero: still); about one month in seven goes without a review.
func (g *generator) visitReviews(w, sup store.Person, from, until time.Time) {
	end := g.asOf
	if !until.IsZero() && until.Before(end) {
		end = until
	}
	for m := monthStart(maxDate(from, g.planFrom)); m.Before(end); m = m.AddDate(0, 1, 0) {
		if !g.pick(0.86) {
			continue
		}
		lo := maxDate(m.AddDate(0, 0, 16), from)
		hi := minDate(lastOfMonth(m).AddDate(0, 0, 1), end)
		on := weekday(g.between(lo, hi))
		if on.Before(lo) || !on.Before(hi) {
			continue
		}
		g.d.MVRReviews = append(g.d.MVRReviews, store.MVRReviewRecord{WorkerID: w.ID, ReviewedBy: sup.ID, ReviewedOn: on,
			Note: reviewNotes[g.rng.IntN(len(reviewNotes))]})
	}
}

// emergentReasons are the reasons the demo's supervisors give most (seed
// 001's list is store.EmergentReasons), with what they write.
var emergentReasons = []struct{ code, details string }{
	{"risk_high_or_very_high", "Risk reassessed as high after the home visit; the parent has relapsed."},
	{"safety_protection_plan", "The safety provider named in the plan is no longer in the home."},
	{"emergent_removal_or_hospital_hold", "The child was brought to the emergency room; the hospital is holding the child."},
	{"critical_incident", "Police were called to the resource home last night."},
	{"disagreement_on_risk", "The worker rates the risk moderate; I read the new report as high."},
	{"three_or_more_re_referrals", "Fourth referral on this family in a year."},
}

var emergentAnswers = []string{
	"Conferenced with the supervisor; the safety plan is revised and the worker visits tomorrow.",
	"Conferenced by phone; agreed on a removal assessment today.",
	"Conferenced; risk stands at high, weekly review with the casework supervisor from now.",
	"Conferenced with the supervisor and worker; referral to the family team meeting this week.",
}

// Hours of a request, in UTC: 14:00-19:00 is 9:00 to 15:00 in the agency's
// zone (America/New_York, summer or winter); 22:30 is after its closing hour
// (17:00), on the same day.
const (
	dayHourUTC      = 14
	afterClosingUTC = 22*time.Hour + 30*time.Minute
	answerHourUTC   = 20
)

// emergentRequest records a request of the unit's supervisor about a case
// of the unit, made on the day (after closing, or at a day hour); held is
// the day the casework supervisor answered that the conference was held
// (zero, or on or after the as-of date: not yet answered).
func (g *generator) emergentRequest(caseID int64, sup, cws store.Person, made time.Time, afterClosing bool, held time.Time) {
	r := emergentReasons[g.rng.IntN(len(emergentReasons))]
	at := made.Add(time.Duration(dayHourUTC+g.rng.IntN(6)) * time.Hour)
	if afterClosing {
		at = made.Add(afterClosingUTC)
	}
	e := store.EmergentRecord{CaseID: caseID, RequestedBy: sup.ID, CaseworkSupervisorID: cws.ID, Reason: r.code, Details: r.details, RequestedAt: at}
	if !held.IsZero() && held.Before(g.asOf) {
		e.AnsweredAt = held.Add(answerHourUTC * time.Hour)
		e.Answer = emergentAnswers[g.rng.IntN(len(emergentAnswers))]
		e.HeldOn = held
	}
	g.d.Emergent = append(g.d.Emergent, e)
}

// caseOfUnit draws an open case a worker of the unit held on the day, or 0
// when thirty draws found none.
func (g *generator) caseOfUnit(unit int64, on time.Time) int64 {
	for range 30 {
		c := g.d.Cases[g.rng.IntN(len(g.d.Cases))]
		if c.Closed.IsZero() && g.unitOfCase(c.ID, on) == unit {
			return c.ID
		}
	}
	return 0
}

// emergentHistory: n requests of the unit's supervisor over the history,
// each answered: mostly held the day it was made (the next business day
// when made after closing), now and then a few days late; one made in the
// last days may still wait for its answer.
func (g *generator) emergentHistory(unit int64, sup, cws store.Person, n int) {
	for range n {
		made := weekday(g.between(g.start, g.asOf.AddDate(0, 0, -2)))
		c := g.caseOfUnit(unit, made)
		if c == 0 || !made.Before(g.asOf) {
			continue
		}
		after := g.pick(0.3)
		held := made
		if after {
			held = weekday(made.AddDate(0, 0, 1))
		}
		if g.pick(0.15) {
			held = weekday(held.AddDate(0, 0, 1+g.rng.IntN(3)))
		}
		g.emergentRequest(c, sup, cws, made, after, held)
	}
}

// demoEmergent: the demo's emergent requests. Besides each unit's history,
// the queues show one request made yesterday after closing, due the next
// business day (Unit A's supervisor to the first casework supervisor); one made three
// business days ago and not yet held, overdue (Unit D's, to the second);
// one a worker of Unit F made when their supervisor was away, answered the
// next day; and one that a casework review of its case held, without an
// answer recorded (Unit G's, to the third).
func (g *generator) demoEmergent(cwsOf func(unit int64) store.Person, supOf func(unit int64) store.Person, workerOf func(unit int64) store.Person) {
	for u := range int64(len(unitPlan)) {
		g.emergentHistory(u+1, supOf(u+1), cwsOf(u+1), 1+g.rng.IntN(2))
	}
	yesterday := g.asOf.AddDate(0, 0, -1)
	if c := g.caseOfUnit(1, yesterday); c != 0 {
		g.emergentRequest(c, supOf(1), cwsOf(1), yesterday, true, time.Time{})
	}
	back := g.asOf
	for range 3 {
		back = back.AddDate(0, 0, -1)
		for back.Weekday() == time.Saturday || back.Weekday() == time.Sunday {
			back = back.AddDate(0, 0, -1)
		}
	}
	if c := g.caseOfUnit(4, back); c != 0 {
		g.emergentRequest(c, supOf(4), cwsOf(4), back, false, time.Time{})
	}
	made := weekday(g.asOf.AddDate(0, 0, -20))
	w := workerOf(6)
	if cases := g.caseloadOn(w.ID, made); len(cases) > 0 {
		g.emergentRequest(cases[g.rng.IntN(len(cases))], w, cwsOf(6), made, false, weekday(made.AddDate(0, 0, 1)))
		e := &g.d.Emergent[len(g.d.Emergent)-1]
		e.Reason, e.Details = "supervisor_unavailable", "My supervisor is out today and the child disclosed abuse at school this morning."
	}
	made = weekday(g.asOf.AddDate(0, 0, -35))
	if c := g.caseOfUnit(7, made); c != 0 {
		g.emergentRequest(c, supOf(7), cwsOf(7), made, false, time.Time{})
		g.conference(store.Conference{Kind: "casework_review", HeldOn: made, SupervisorID: supOf(7).ID, CaseworkSupervisorID: cwsOf(7).ID}, []int64{c}, 0)
	}
}
