package dashboard

import (
	"sort"

	"github.com/casework/casework/internal/rules"
)

// AreaUnit is one unit on the casework supervisor's area dashboard.
type AreaUnit struct {
	UnitID         int64
	Name           string
	SupervisorID   int64
	SupervisorName string
	Unit           Unit // the unit's own dashboard, for its totals
	// Workers with a conference owed and not overdue, of those owing one.
	OnTime, Owing int
	// Cases discussed this month, of the caseload.
	Discussed, Caseload int
	HighRisk            []HighRiskCase
	// The supervisor's next casework review (casework.supervisor).
	NextReview *rules.Obligation
}

// HighRiskCase is a case at high or very high risk, with the state of its
// one-day report and weekly review.
type HighRiskCase struct {
	Case   string
	Level  string
	Report *rules.Obligation
	Weekly *rules.Obligation
}

// AreaInput is one unit of the area as the caller knows it.
type AreaInput struct {
	UnitID         int64
	Name           string
	SupervisorID   int64
	SupervisorFact string
	SupervisorName string
	Workers        []Worker
}

// BuildArea computes the area dashboard from the area's facts and one
// evaluation of them.
func BuildArea(f rules.Facts, res rules.Result, units []AreaInput) []AreaUnit {
	reviews := SupervisorReviews(res)
	out := make([]AreaUnit, 0, len(units))
	for _, in := range units {
		out = append(out, AreaUnitOf(in, Build(f, res, in.Workers), f.Cases, res.AsOf, reviews[in.SupervisorFact]))
	}
	return out
}

// SupervisorReviews indexes the supervisors' casework review obligations
// of a result (the rules tagged supervisor_review) by their subject, the
// supervisor's fact id.
func SupervisorReviews(res rules.Result) map[string]*rules.Obligation {
	out := map[string]*rules.Obligation{}
	for i, o := range res.Obligations {
		if res.Is(o, rules.TagSupervisorReview) {
			out[o.Subject] = &res.Obligations[i]
		}
	}
	return out
}

// AreaUnitOf is one unit's line of the area dashboard, from the unit's own
// dashboard (u), the cases it was built from (for their risk levels on
// asOf) and the supervisor's next casework review. Every figure comes from
// the unit's own cases and obligations, so a unit's line is the same
// whether its unit was evaluated alone or with the rest of the area (tested
// in internal/web: TestAreaComposedOfUnitsMatchesTheWholeArea).
func AreaUnitOf(in AreaInput, u Unit, cases []rules.Case, asOf rules.Date, review *rules.Obligation) AreaUnit {
	a := AreaUnit{UnitID: in.UnitID, Name: in.Name, SupervisorID: in.SupervisorID, SupervisorName: in.SupervisorName,
		Unit: u, NextReview: review}
	mine := map[string]bool{}
	for _, r := range u.Rows {
		mine[r.FactID] = true
		a.Caseload += r.Caseload
		a.Discussed += len(r.Coverage.Covered)
		if r.NextConference != nil {
			a.Owing++
			if r.NextConference.State != rules.StateOverdue {
				a.OnTime++
			}
		}
	}
	level := map[string]string{}
	for _, c := range cases {
		if w, ok := u.CaseWorker[c.ID]; !ok || !mine[w] {
			continue
		}
		for _, r := range c.Risk {
			if !r.From.After(asOf) {
				level[c.ID] = r.Level
			}
		}
	}
	var high []string
	for id, l := range level {
		if l == rules.RiskHigh || l == rules.RiskVeryHigh {
			high = append(high, id)
		}
	}
	sort.Strings(high)
	for _, id := range high {
		h := HighRiskCase{Case: id, Level: level[id]}
		for i, o := range u.ByCase[id] {
			switch {
			case u.Is(o, rules.TagRiskReport):
				h.Report = &u.ByCase[id][i]
			case u.Is(o, rules.TagRiskReview):
				h.Weekly = &u.ByCase[id][i]
			}
		}
		a.HighRisk = append(a.HighRisk, h)
	}
	return a
}

// OnTimeRate is the unit's workers conferenced on time, of those owing a
// conference; DiscussedRate its cases discussed this month, of the
// caseload. A unit owing none (no worker owes a conference, no open case)
// has nothing owed, which the dashboard says in words, never as 100%.
func (a AreaUnit) OnTimeRate() Rate    { return Rate{a.OnTime, a.Owing} }
func (a AreaUnit) DiscussedRate() Rate { return Rate{a.Discussed, a.Caseload} }
