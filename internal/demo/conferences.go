package demo

import (
	"slices"
	"time"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

func (g *generator) caseloadOn(worker int64, on time.Time) []int64 {
	var ids []int64
	for _, a := range g.d.Assignments {
		if a.B == worker && !on.Before(a.Since) && (a.Until.IsZero() || on.Before(a.Until)) {
			ids = append(ids, a.A)
		}
	}
	return ids
}

func (g *generator) riskOn(caseID int64, on time.Time) string {
	level := ""
	for _, r := range g.d.Risks {
		if r.CaseID == caseID && !r.AssessedOn.After(on) {
			level = r.Level
		}
	}
	return level
}

// weekday moves a date forward to a Monday-to-Friday.
func weekday(d time.Time) time.Time {
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// supervisionConferences: weekly for a worker in their first year, a quarter of
// the caseload each time; monthly for an experienced worker, the whole
// caseload (weekly like the first year with g.weeklySupervision). Most are on
// time; now and then one is missed or a case left out.
func (g *generator) supervisionConferences(w, sup store.Person, from, until time.Time) {
	from = maxDate(from, g.start)
	end := g.asOf
	if !until.IsZero() && until.Before(end) {
		end = until
	}
	firstYearUntil := w.ExperienceStart.AddDate(1, 0, 0)
	week := 0
	for d := from; d.Before(end); {
		var on time.Time
		var next time.Time
		weekly := d.Before(firstYearUntil) || g.weeklySupervision
		if weekly {
			on = weekday(d.AddDate(0, 0, g.rng.IntN(3)))
			next = d.AddDate(0, 0, 7)
		} else {
			monthEnd := lastOfMonth(d)
			on = weekday(g.between(d, monthEnd.AddDate(0, 0, -2)))
			next = monthEnd.AddDate(0, 0, 1)
		}
		d = next
		if !on.Before(end) || g.pick(0.06) {
			continue
		}
		cases := g.caseloadOn(w.ID, on)
		if len(cases) == 0 {
			continue
		}
		if weekly {
			q := (len(cases) + 3) / 4
			start := (week % 4) * q
			week++
			if start >= len(cases) {
				start = 0
			}
			cases = cases[start:min(len(cases), start+q)]
		} else if g.pick(0.12) && len(cases) > 3 {
			cases = cases[:len(cases)-1-g.rng.IntN(2)]
		}
		g.conference(store.Conference{Kind: "supervision", HeldOn: on, SupervisorID: sup.ID, WorkerID: w.ID}, cases, w.ID)
	}
}

// caseworkReviews: about weekly, the casework supervisor and the supervisor
// review the unit's high and very high risk cases (the weekly high-risk
// review; every other one doubles as the biweekly review, seed 001). Now and
// then one is skipped.
func (g *generator) caseworkReviews(cws, sup store.Person, since time.Time) {
	var unit int64
	for _, u := range g.d.UnitSupervisors {
		if u.B == sup.ID {
			unit = u.A
		}
	}
	for d := maxDate(since, g.start).AddDate(0, 0, g.rng.IntN(7)); d.Before(g.asOf); d = d.AddDate(0, 0, 6+g.rng.IntN(3)) {
		on := weekday(d)
		if !on.Before(g.asOf) || g.pick(0.1) {
			continue
		}
		var cases []int64
		for _, m := range g.d.UnitMembers {
			if m.A != unit || on.Before(m.Since) || (!m.Until.IsZero() && !on.Before(m.Until)) {
				continue
			}
			for _, c := range g.caseloadOn(m.B, on) {
				if l := g.riskOn(c, on); l == "high" || l == "very_high" {
					cases = append(cases, c)
				}
			}
		}
		slices.Sort(cases)
		g.conference(store.Conference{Kind: "casework_review", HeldOn: on, SupervisorID: sup.ID, CaseworkSupervisorID: cws.ID}, cases, 0)
	}
}

var progress = []string{"sufficient", "sufficient", "adequate", "adequate", "adequate", "lack_of_progress", "no_progress"}

// discussionTexts are what the demo's discussions say under each topic.
var discussionTexts = []string{
	"Reviewed with the worker; nothing new since the last conference.",
	"Discussed; the worker follows up this week as agreed.",
	"Reviewed the latest contacts; the plan stands.",
	"Discussed the changes since the last conference and what they mean for the plan.",
}

func checklistOf(kind string) []rules.ChecklistItem {
	if kind == "casework_review" {
		return rules.ReviewChecklist()
	}
	return rules.Checklist(rules.DefaultProfile)
}

// demoDiscussions are the demo's discussions of each kind of conference, one
// per text, each answering every topic; shared by every case (a state-sized
// agency has millions), never changed, made once before any generator runs.
var demoDiscussions = map[string][]map[string]string{
	"supervision":     makeDiscussions("supervision"),
	"casework_review": makeDiscussions("casework_review"),
}

func discussions(kind string) []map[string]string { return demoDiscussions[kind] }

func makeDiscussions(kind string) []map[string]string {
	var out []map[string]string
	for i := range discussionTexts {
		m := map[string]string{}
		for j, it := range checklistOf(kind) {
			m[it.ID] = discussionTexts[(i+j)%len(discussionTexts)]
		}
		out = append(out, m)
	}
	return out
}

var stepTexts = []string{
	"Schedule the family team meeting",
	"Complete the sibling visit",
	"Update the case plan with the family",
	"Refer the parent for substance use assessment",
	"Obtain school records",
	"Prepare the court report",
	"Confirm the placement provider's visit schedule",
	"Notify relatives of the placement",
}

// conference records one conference, its lifecycle stamps by age, the cases
// discussed and a next step or two.
func (g *generator) conference(k store.Conference, cases []int64, worker int64) {
	k.ID = g.confBase + int64(len(g.d.Conferences)+1)
	age := int(g.asOf.Sub(k.HeldOn).Hours() / 24)
	k.EnteredAt = k.HeldOn.Add(time.Duration(15+g.rng.IntN(4)) * time.Hour)
	if g.pick(0.04) { // a late entry now and then, to show the mark
		k.EnteredAt = k.EnteredAt.AddDate(0, 0, 4+g.rng.IntN(4))
	}
	if maxAt := g.asOf.Add(-time.Hour); k.EnteredAt.After(maxAt) {
		k.EnteredAt = maxAt
	}
	k.Status = "draft"
	switch {
	case age > 21 || (age > 7 && g.pick(0.5)):
		k.Status = "shared"
		k.SignedAt = k.EnteredAt.Add(time.Hour)
		k.SharedAt = k.SignedAt.AddDate(0, 0, 1+g.rng.IntN(5))
		if worker != 0 && g.pick(0.9) && age > 10 {
			k.Status = "acknowledged"
			k.AcknowledgedAt = k.SharedAt.AddDate(0, 0, 1+g.rng.IntN(3))
		}
	case age > 4 || g.pick(0.4): // the last days' records are often still drafts
		k.Status = "signed"
		k.SignedAt = k.EnteredAt.Add(time.Hour)
	}
	for _, t := range []*time.Time{&k.SignedAt, &k.SharedAt, &k.AcknowledgedAt} {
		if !t.IsZero() && !t.Before(g.asOf) {
			*t = g.asOf.Add(-30 * time.Minute)
		}
	}
	g.d.Conferences = append(g.d.Conferences, k)
	for i, c := range cases {
		// Each discussion answers every topic of its checklist, so it counts
		// (rules.Discussed); chosen from the ids, not the random source, so
		// the rest of the demo stays as it was.
		written := discussions(k.Kind)[int(k.ID+c)%len(discussionTexts)]
		g.d.ConferenceCases = append(g.d.ConferenceCases, store.ConferenceCase{
			ConferenceID: k.ID, CaseID: c, Position: i + 1, Progress: progress[g.rng.IntN(len(progress))],
			Discussion: written, Discussed: rules.Discussed(checklistOf(k.Kind), written, nil),
		})
	}
	if worker != 0 && len(cases) > 0 && g.pick(0.6) {
		due := k.HeldOn.AddDate(0, 0, 7+g.rng.IntN(21))
		step := store.NextStep{ConferenceID: k.ID, CaseID: cases[g.rng.IntN(len(cases))],
			Description: stepTexts[g.rng.IntN(len(stepTexts))], OwnerID: worker, DueOn: due}
		if due.Before(g.asOf) && g.pick(0.8) {
			step.DoneOn = due.AddDate(0, 0, -g.rng.IntN(5))
		}
		g.d.NextSteps = append(g.d.NextSteps, step)
	}
}

// escalationReviews: when a case's risk becomes high or very high, the
// supervisor usually reports it to the casework supervisor the next business
// day (a casework review listing the case); sometimes the report waits for the
// weekly review, so the one-day report shows late and overdue too.
func (g *generator) escalationReviews(above func(unit int64) (cws, sup store.Person)) {
	prev := map[int64]string{}
	for _, r := range g.d.Risks {
		was := prev[r.CaseID]
		prev[r.CaseID] = r.Level
		high := r.Level == "high" || r.Level == "very_high"
		if !high || was == "high" || was == "very_high" || r.AssessedOn.Before(g.start) || !g.pick(0.65) {
			continue
		}
		on := weekday(r.AssessedOn.AddDate(0, 0, 1))
		if !on.Before(g.asOf) {
			continue
		}
		unit := g.unitOfCase(r.CaseID, on)
		if unit == 0 {
			continue
		}
		cws, sup := above(unit)
		g.conference(store.Conference{Kind: "casework_review", HeldOn: on, SupervisorID: sup.ID, CaseworkSupervisorID: cws.ID}, []int64{r.CaseID}, 0)
	}
}

// unitOfCase is the unit of the worker who held the case on the date, or 0.
func (g *generator) unitOfCase(caseID int64, on time.Time) int64 {
	for _, a := range g.d.Assignments {
		if a.A != caseID || on.Before(a.Since) || (!a.Until.IsZero() && !on.Before(a.Until)) {
			continue
		}
		for _, m := range g.d.UnitMembers {
			if m.B == a.B && !on.Before(m.Since) && (m.Until.IsZero() || on.Before(m.Until)) {
				return m.A
			}
		}
	}
	return 0
}
