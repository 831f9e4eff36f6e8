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
	bySupervisor := map[string]*rules.Obligation{}
	for i, o := range res.Obligations {
		if o.Rule == "casework.supervisor" {
			bySupervisor[o.Subject] = &res.Obligations[i]
		}
	}
	level := map[string]string{}
	for _, c := range f.Cases {
		for _, r := range c.Risk {
			if !r.From.After(res.AsOf) {
				level[c.ID] = r.Level
			}
		}
	}
	out := make([]AreaUnit, 0, len(units))
	for _, in := range units {
		u := AreaUnit{UnitID: in.UnitID, Name: in.Name, SupervisorID: in.SupervisorID, SupervisorName: in.SupervisorName,
			Unit: Build(f, res, in.Workers), NextReview: bySupervisor[in.SupervisorFact]}
		mine := map[string]bool{}
		for _, r := range u.Unit.Rows {
			mine[r.FactID] = true
			u.Caseload += r.Caseload
			u.Discussed += len(r.Coverage.Covered)
			if r.NextConference != nil {
				u.Owing++
				if r.NextConference.State != rules.StateOverdue {
					u.OnTime++
				}
			}
		}
		var cases []string
		for id, w := range u.Unit.CaseWorker {
			if mine[w] && (level[id] == rules.RiskHigh || level[id] == rules.RiskVeryHigh) {
				cases = append(cases, id)
			}
		}
		sort.Strings(cases)
		for _, id := range cases {
			h := HighRiskCase{Case: id, Level: level[id]}
			for i, o := range u.Unit.ByCase[id] {
				switch o.Rule {
				case "risk.report":
					h.Report = &u.Unit.ByCase[id][i]
				case "risk.weekly":
					h.Weekly = &u.Unit.ByCase[id][i]
				}
			}
			u.HighRisk = append(u.HighRisk, h)
		}
		out = append(out, u)
	}
	return out
}

// Share is n of d as a whole percentage; d = 0 is a full share.
func Share(n, d int) int {
	if d == 0 {
		return 100
	}
	return (n*100 + d/2) / d
}
