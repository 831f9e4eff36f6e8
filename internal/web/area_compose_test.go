package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// The area page composes each unit's own evaluation (kept per unit, shared
// with the unit dashboards) instead of evaluating the whole area at once.
// That is only right if every figure of a unit's line depends on that unit's
// facts alone: checked here, unit by unit, for every casework supervisor of
// the demo, against one evaluation of the whole area's facts.
func TestAreaComposedOfUnitsMatchesTheWholeArea(t *testing.T) {
	owner, st := testdb.App(t)
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: asOf})
	if err := store.New(owner).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rows, err := owner.Query(ctx, `SELECT id FROM people WHERE role = 'casework_supervisor' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var cwsIDs []int64
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		cwsIDs = append(cwsIDs, id)
	}
	if len(cwsIDs) < 2 {
		t.Fatalf("%d casework supervisors", len(cwsIDs))
	}
	lines, highRisk, reviews := 0, 0, 0
	for _, id := range cwsIDs {
		v, err := st.ViewerByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		units, err := st.AreaUnitsRead(ctx, v, asOf)
		if err != nil {
			t.Fatal(err)
		}
		// The whole area, evaluated at once.
		f, ids, members, err := st.AreaFacts(ctx, v, asOf)
		if err != nil {
			t.Fatal(err)
		}
		res, err := rules.Evaluate(f, rules.Options{})
		if err != nil {
			t.Fatal(err)
		}
		factOf := map[int64]string{}
		for fid, pid := range ids.People {
			factOf[pid] = fid
		}
		inputs := map[int64]*dashboard.AreaInput{}
		for _, u := range units {
			inputs[u.UnitID] = &dashboard.AreaInput{UnitID: u.UnitID, Name: u.UnitName, SupervisorID: u.SupervisorID,
				SupervisorFact: factOf[u.SupervisorID], SupervisorName: u.SupervisorName}
		}
		for _, m := range members {
			inputs[m.UnitID].Workers = append(inputs[m.UnitID].Workers, dashboard.Worker{PersonID: m.WorkerID, FactID: factOf[m.WorkerID]})
		}
		for _, u := range units {
			whole := dashboard.BuildArea(f, res, []dashboard.AreaInput{*inputs[u.UnitID]})[0]
			// The unit alone, as the area page builds its line.
			uf, uids, err := st.UnitFacts(ctx, v, u.UnitID, asOf)
			if err != nil {
				t.Fatal(err)
			}
			ures, err := rules.Evaluate(uf, rules.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ufact := map[int64]string{}
			for fid, pid := range uids.People {
				ufact[pid] = fid
			}
			in := *inputs[u.UnitID]
			in.SupervisorFact = ufact[u.SupervisorID]
			in.Workers = nil
			for _, w := range inputs[u.UnitID].Workers {
				in.Workers = append(in.Workers, dashboard.Worker{PersonID: w.PersonID, FactID: ufact[w.PersonID]})
			}
			alone := dashboard.AreaUnitOf(in, dashboard.Build(uf, ures, in.Workers), uf.Cases, ures.AsOf,
				dashboard.SupervisorReviews(ures)[in.SupervisorFact])
			if got, want := lineOf(alone), lineOf(whole); got != want {
				t.Errorf("unit %d (%s), composed:\n%s\nwhole area:\n%s", u.UnitID, u.UnitName, got, want)
			}
			lines++
			highRisk += len(whole.HighRisk)
			if whole.NextReview != nil {
				reviews++
			}
		}
	}
	// The comparison covered the parts that could differ.
	if lines < 6 || highRisk == 0 || reviews == 0 {
		t.Fatalf("compared %d lines, %d high-risk cases, %d reviews", lines, highRisk, reviews)
	}
}

// lineOf prints what the area page shows of a unit's line.
func lineOf(a dashboard.AreaUnit) string {
	ob := func(o *rules.Obligation) string {
		if o == nil {
			return "none"
		}
		return fmt.Sprintf("%s %s %s due %s", o.Rule, o.Subject, o.State, o.Due)
	}
	s := fmt.Sprintf("on time %d of %d, discussed %d of %d, risk awaiting %d, milestones %d, visits %d, visit reviews overdue %d, next review %s\n",
		a.OnTime, a.Owing, a.Discussed, a.Caseload, a.Unit.Totals.RiskAwaiting, a.Unit.Totals.Milestone, a.Unit.Totals.Visits,
		a.Unit.Totals.VisitReviewsOverdue, ob(a.NextReview))
	for _, h := range a.HighRisk {
		s += fmt.Sprintf("  %s %s: report %s; weekly %s\n", h.Case, h.Level, ob(h.Report), ob(h.Weekly))
	}
	return s
}
