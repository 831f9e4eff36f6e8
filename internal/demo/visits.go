package demo

import (
	"time"

	"github.com/casework/casework/internal/store"
)

// The visits of the newer rules (docs/rules.md, "Visits and contacts",
// "Minimum visitation requirement", "Weekly sibling visits"): from
// g.planFrom, the first month the agency keeps visit plans (MVR) in the app,
// a case's visits follow its plan month by month, with monthly collateral
// contacts, weekly parent/child visits for a child placed out of home with a
// goal of reunification and weekly sibling visits for a child whose siblings
// are placed apart. Most months meet the plan; about one case-month in eight
// falls short of it by a visit, and now and then a weekly visit lapses, so
// the dashboards and the trends show some cases short, never all. Before
// g.planFrom (and for a case without a plan) visits are about monthly, as
// the older history was.

// monthShortShare is the share of case-months under a plan that end a visit
// short of it.
const monthShortShare = 0.12

// monthStart is the first day of d's month.
func monthStart(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// monthCeil is d when it is the first of a month, else the first of the
// next: the first month a plan set on d is owed.
func monthCeil(d time.Time) time.Time {
	if d.Day() == 1 {
		return d
	}
	return monthStart(d).AddDate(0, 1, 0)
}

func isHigh(level string) bool { return level == "high" || level == "very_high" }

// planCounts is a case's visits a month: in home, two with the child and one
// with the parents; out of home, one each with the child, the parents and
// the placement provider; a child at high or very high risk is seen once
// more a month.
func planCounts(c store.Case, level string) (child, parents, provider int) {
	child, parents = 2, 1
	if c.Setting == "out_of_home" {
		child, provider = 1, 1
	}
	if isHigh(level) {
		child++
	}
	return child, parents, provider
}

// visitPlans sets the case's visit plan: from the day the MVR was
// established (mvrOn, zero: never), but not before g.planFrom, the start
// of the case's events (from) or, out of home, the placement. A few plans
// change once, from the month after the risk crosses into or out of high.
// The plans are added to the dataset and returned, oldest first; none when
// the plan would start on or after end.
func (g *generator) visitPlans(c store.Case, mvrOn, from, end time.Time, w store.Person) []store.VisitPlan {
	if mvrOn.IsZero() {
		return nil
	}
	start := maxDate(maxDate(mvrOn, g.planFrom), from)
	if c.Setting == "out_of_home" {
		start = maxDate(start, c.PlacementDate)
	}
	if !start.Before(end) {
		return nil
	}
	// The case's risk history: the last entries of the dataset (riskHistory
	// has just added them).
	var risks []store.Risk
	for i := len(g.d.Risks) - 1; i >= 0 && g.d.Risks[i].CaseID == c.ID; i-- {
		risks = append([]store.Risk{g.d.Risks[i]}, risks...)
	}
	levelOn := func(d time.Time) string {
		level := ""
		for _, r := range risks {
			if !r.AssessedOn.After(d) {
				level = r.Level
			}
		}
		return level
	}
	sup := g.supOf[w.ID]
	level := levelOn(start)
	ch, pa, pr := planCounts(c, level)
	plans := []store.VisitPlan{{CaseID: c.ID, From: start, Child: ch, Parents: pa, Provider: pr, SetBy: sup}}
	for _, r := range risks {
		if !r.AssessedOn.After(start) || isHigh(r.Level) == isHigh(level) {
			continue
		}
		if on := monthCeil(r.AssessedOn.AddDate(0, 0, 1)); on.Before(end) && g.pick(0.4) {
			ch, pa, pr := planCounts(c, r.Level)
			plans = append(plans, store.VisitPlan{CaseID: c.ID, From: on, Child: ch, Parents: pa, Provider: pr, SetBy: sup})
		}
		break
	}
	g.d.VisitPlans = append(g.d.VisitPlans, plans...)
	return plans
}

// sparseVisits are the older history's visits, about monthly, a little more
// often for some, from `from` until `until`.
func (g *generator) sparseVisits(c store.Case, from, until time.Time, add func(kind string, on time.Time, approval string)) {
	for on := from.AddDate(0, 0, 2+g.rng.IntN(8)); on.Before(until); on = on.AddDate(0, 0, 18+g.rng.IntN(20)) {
		approval := g.visitApproval(on)
		if g.pick(0.93) {
			add("child_visit", on, approval)
		}
		if g.pick(0.7) {
			add("parent_visit", on.AddDate(0, 0, g.rng.IntN(3)), approval)
		}
		if c.Setting == "out_of_home" && g.pick(0.4) {
			add("provider_visit", on.AddDate(0, 0, 1), approval)
		}
		if g.pick(0.2) {
			add("collateral_contact", on.AddDate(0, 0, 4), approval)
		}
	}
}

// visitApproval: a visit is approved on its contact sheet, except that about
// half of the last ten days' still await the supervisor.
func (g *generator) visitApproval(on time.Time) string {
	if g.asOf.Sub(on) < 10*24*time.Hour && g.pick(0.5) {
		return "pending"
	}
	return "approved"
}

// plannedVisits makes the visits of each calendar month from `from` (a
// first of a month) until end as the plan in force on the month's first day
// sets them, spread over the month, and a collateral contact a month; now
// and then a month falls a visit short. A child placed out of home with a
// goal of reunification sees the parents weekly instead (parentChildVisits).
func (g *generator) plannedVisits(c store.Case, plans []store.VisitPlan, from, end time.Time, add func(kind string, on time.Time, approval string)) {
	weeklyParents := c.Setting == "out_of_home" && c.Goal == "reunification"
	spread := func(kind string, m time.Time, n int) {
		days := lastOfMonth(m).Day()
		for k := range n {
			lo := k * days / n
			hi := (k + 1) * days / n
			on := m.AddDate(0, 0, lo+g.rng.IntN(max(1, hi-lo)))
			add(kind, on, g.visitApproval(on))
		}
	}
	for m := from; m.Before(end); m = m.AddDate(0, 1, 0) {
		var p store.VisitPlan
		for _, q := range plans {
			if !q.From.After(m) {
				p = q
			}
		}
		child, parents, provider := p.Child, p.Parents, p.Provider
		if weeklyParents {
			parents = 0 // the weekly visits below
		}
		if g.pick(monthShortShare) {
			switch {
			case provider > 0 && g.pick(0.3):
				provider--
			case parents > 0 && g.pick(0.4):
				parents--
			default:
				child--
			}
		} else if g.pick(0.15) {
			child++ // a visit more than the plan asks
		}
		spread("child_visit", m, child)
		spread("parent_visit", m, parents)
		spread("provider_visit", m, provider)
		if !g.pick(0.07) {
			spread("collateral_contact", m, 1)
		}
	}
}

// parentChildVisits: a child placed out of home with a goal of
// reunification sees the parents weekly, from g.planFrom on.
func (g *generator) parentChildVisits(c store.Case, from, end time.Time, add func(kind string, on time.Time, approval string)) {
	if c.Setting == "out_of_home" && c.Goal == "reunification" {
		g.weeklyVisits("parent_visit", maxDate(maxDate(c.PlacementDate, from), g.planFrom), end, add)
	}
}

// weeklyVisits makes visits of the kind every five to seven days from `from`
// until end, now and then a week missed; about one series in eight lapses
// in its last weeks, so that its weekly visit is overdue at the end.
func (g *generator) weeklyVisits(kind string, from, end time.Time, add func(kind string, on time.Time, approval string)) {
	until := end
	if g.pick(0.12) {
		until = end.AddDate(0, 0, -8-g.rng.IntN(10))
	}
	for on := from.AddDate(0, 0, g.rng.IntN(6)); on.Before(until); on = on.AddDate(0, 0, 5+g.rng.IntN(3)) {
		if g.pick(0.04) {
			continue // a week missed
		}
		add(kind, on, g.visitApproval(on))
	}
}

// siblingsApartShare is the share of children placed out of home whose
// siblings are placed elsewhere, as the demo records it.
const siblingsApartShare = 0.07

// siblingsApart records, for a few children placed out of home, that their
// siblings are placed apart (mostly since the placement; one in five
// together again since), and their weekly sibling visits from g.planFrom on.
func (g *generator) siblingsApart(c store.Case, from, end time.Time, w store.Person, add func(kind string, on time.Time, approval string)) {
	if c.Setting != "out_of_home" || !c.PlacementDate.Before(end) || !g.pick(siblingsApartShare) {
		return
	}
	start := c.PlacementDate
	if g.pick(0.25) {
		start = g.between(c.PlacementDate, end)
	}
	sa := store.SiblingsApartRecord{CaseID: c.ID, Start: start, SetBy: g.supOf[w.ID]}
	visitsEnd := end
	if g.pick(0.2) {
		if together := g.between(start.AddDate(0, 0, 30), end); together.After(start) && together.Before(end) {
			sa.End, visitsEnd = together, together
		}
	}
	g.d.SiblingsApart = append(g.d.SiblingsApart, sa)
	g.weeklyVisits("sibling_visit", maxDate(maxDate(start, from), g.planFrom), visitsEnd, add)
}
