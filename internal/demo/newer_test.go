package demo

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// The demo carries the records of the newer rules: visit plans on most
// open cases (not those received in the last weeks, whose plan is not set
// yet, nor the few never set), a few plans changed, siblings placed apart on a few children
// placed out of home, emergent requests (two still open, one of them made
// yesterday), and the supervisors' monthly reviews of most workers.
func TestDemoHasTheNewerRulesRecords(t *testing.T) {
	d, _ := Generate(Options{Seed: 1, AsOf: asOf})
	open, outOfHome := 0, 0
	for _, c := range d.Cases {
		if c.Closed.IsZero() {
			open++
			if c.Setting == "out_of_home" {
				outOfHome++
			}
		}
	}
	planned, changed := map[int64]int{}, 0
	for _, m := range d.VisitPlans {
		if planned[m.CaseID]++; planned[m.CaseID] == 2 {
			changed++
		}
	}
	if len(planned) < open*2/3 || len(planned) == open {
		t.Errorf("%d of %d open cases under a visit plan, want most, not all", len(planned), open)
	}
	if changed == 0 || changed > len(planned)/4 {
		t.Errorf("%d of %d plans changed, want a few", changed, len(planned))
	}
	if n := len(d.SiblingsApart); n == 0 || n > outOfHome/5 {
		t.Errorf("%d children with siblings placed apart of %d placed out of home, want a few", n, outOfHome)
	}
	siblingVisits := 0
	for _, e := range d.Events {
		if e.Kind == rules.EventSiblingVisit {
			siblingVisits++
		}
	}
	if siblingVisits == 0 {
		t.Error("no sibling visits")
	}
	var unanswered, yesterday int
	for _, e := range d.Emergent {
		if e.AnsweredAt.IsZero() {
			unanswered++
			if dateOnly(e.RequestedAt).Equal(asOf.AddDate(0, 0, -1)) {
				yesterday++
			}
		}
	}
	if len(d.Emergent) < 8 || unanswered < 2 || unanswered > len(d.Emergent)/2 || yesterday != 1 {
		t.Errorf("%d emergent requests, %d not answered, %d of them made yesterday", len(d.Emergent), unanswered, yesterday)
	}
	reviewed := map[int64]bool{}
	for _, r := range d.MVRReviews {
		reviewed[r.WorkerID] = true
	}
	workers := 0
	for _, p := range d.People {
		if p.Role == "worker" {
			workers++
		}
	}
	if len(reviewed) < workers*3/4 || len(d.MVRReviews) >= workers*12 {
		t.Errorf("%d reviews of %d of %d workers, want most workers reviewed, some months without", len(d.MVRReviews), len(reviewed), workers)
	}
}

// On a date after the newer rules took effect, the demo loaded into
// PostgreSQL gives obligations of each of their kinds, and of each some are
// overdue and some are not: the dashboards show a minority short, never
// all. Each visit plan kind's shortfalls stay a minority.
func TestDemoNewerRulesObligations(t *testing.T) {
	day := time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC) // a Wednesday
	d, _ := Generate(Options{Seed: 1, AsOf: day})
	_, pool := testdb.New(t)
	ctx := context.Background()
	st := store.New(pool)
	if err := st.LoadDataset(ctx, d); err != nil {
		t.Fatal(err)
	}
	f, err := st.AgencyFacts(ctx, access.Viewer{PersonID: 1, Role: access.Administrator}, day)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]map[string]int{}
	for _, o := range res.Obligations {
		if states[o.Rule] == nil {
			states[o.Rule] = map[string]int{}
		}
		states[o.Rule][o.State]++
	}
	for _, rule := range []string{"mvr.child_monthly", "mvr.parents_monthly", "mvr.provider_monthly", "visits.collateral_monthly",
		"visits.parent_monthly", "visits.parent_child_weekly", "visits.sibling_weekly", "mvr.review_monthly", "emergent.conference"} {
		total := 0
		for _, n := range states[rule] {
			total += n
		}
		t.Logf("%s: %v", rule, states[rule])
		overdue := states[rule][rules.StateOverdue]
		if overdue == 0 || overdue == total {
			t.Errorf("%s: %v, want some overdue and some not", rule, states[rule])
		}
		if rule != "emergent.conference" && overdue*4 > total {
			t.Errorf("%s: %v, want a minority overdue", rule, states[rule])
		}
	}
	em := states["emergent.conference"]
	if em[rules.StateMet]+em[rules.StateMetLate] == 0 || em[rules.StateOpen] == 0 {
		t.Errorf("emergent.conference: %v, want some held and one due today", em)
	}

	// The trends' count of the months that ended short reads the same
	// data: in every ended month under the plans some cases, not all, and
	// a minority of them.
	cws := access.Viewer{PersonID: 2, Role: access.CaseworkSupervisor}
	months, err := st.VisitShortfalls(ctx, cws, day, day.AddDate(0, -11, -8), day.AddDate(0, -1, -8))
	if err != nil {
		t.Fatal(err)
	}
	if len(months) == 0 {
		t.Fatal("no visit plan months in the trends")
	}
	byMonth := map[time.Time][2]int{}
	for _, m := range months {
		x := byMonth[m.Month]
		byMonth[m.Month] = [2]int{x[0] + m.Planned, x[1] + m.Short}
	}
	var keys []time.Time
	for k := range byMonth {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Before(keys[j]) })
	for _, k := range keys {
		x := byMonth[k]
		t.Logf("%s: %d of %d planned cases short", k.Format("2006-01"), x[1], x[0])
		if x[1] == 0 || x[1] == x[0] || x[1]*4 > x[0] {
			t.Errorf("%s: %d of %d planned cases short, want a minority", k.Format("2006-01"), x[1], x[0])
		}
	}
}
