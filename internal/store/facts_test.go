package store_test

import (
	"context"
	"testing"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// The facts loaded for each unit of the demo are valid facts of the rules
// contract, and every worker and open case of the unit is in them.
func TestUnitFactsAreValidAndComplete(t *testing.T) {
	st, pool := seeded(t)
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT unit_id, supervisor_id FROM unit_supervisors WHERE during @> DATE '2026-11-23' ORDER BY unit_id`)
	if err != nil {
		t.Fatal(err)
	}
	type us struct{ unit, sup int64 }
	var units []us
	for rows.Next() {
		var u us
		_ = rows.Scan(&u.unit, &u.sup)
		units = append(units, u)
	}
	if len(units) != 8 {
		t.Fatalf("%d units", len(units))
	}
	for _, u := range units {
		v, err := st.ViewerByID(ctx, u.sup)
		if err != nil {
			t.Fatal(err)
		}
		f, ids, err := st.UnitFacts(ctx, v, u.unit, asOf)
		if err != nil {
			t.Fatalf("unit %d: %v", u.unit, err)
		}
		if problems := rules.Validate(f); len(problems) > 0 {
			t.Fatalf("unit %d facts invalid: %v", u.unit, problems[:min(5, len(problems))])
		}
		var workers, cases int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM unit_members WHERE unit_id = $1 AND during @> DATE '2026-11-23'`, u.unit).Scan(&workers); err != nil {
			t.Fatal(err)
		}
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM unit_members m JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> DATE '2026-11-23'
			WHERE m.unit_id = $1 AND m.during @> DATE '2026-11-23'`, u.unit).Scan(&cases); err != nil {
			t.Fatal(err)
		}
		gotWorkers := 0
		for _, s := range f.Staff {
			if s.Role == rules.RoleWorker {
				gotWorkers++
			}
		}
		if gotWorkers < workers || len(f.Cases) != cases || len(ids.Cases) != cases {
			t.Errorf("unit %d: %d workers (want %d), %d cases (want %d)", u.unit, gotWorkers, workers, len(f.Cases), cases)
		}
		res, err := rules.Evaluate(f, rules.Options{})
		if err != nil {
			t.Fatalf("unit %d: evaluate: %v", u.unit, err)
		}
		if len(res.Obligations) < cases {
			t.Errorf("unit %d: only %d obligations for %d cases", u.unit, len(res.Obligations), cases)
		}
	}
	// Another unit's supervisor, a worker, an administrator: nothing.
	other, _ := st.ViewerByID(ctx, units[1].sup)
	for _, v := range []access.Viewer{other, {PersonID: 1, Role: access.Administrator}} {
		if _, _, err := st.UnitFacts(ctx, v, units[0].unit, asOf); err == nil {
			t.Errorf("UnitFacts of unit %d as %s %d: allowed", units[0].unit, v.Role, v.PersonID)
		}
	}
}

// The demo shows every state: open, overdue, met and met late, and the
// high-risk rules.
func TestDemoShowsEveryState(t *testing.T) {
	st, pool := seeded(t)
	ctx := context.Background()
	states := map[string]int{}
	rulesSeen := map[string]int{}
	rows, _ := pool.Query(ctx, `SELECT unit_id, supervisor_id FROM unit_supervisors WHERE during @> DATE '2026-11-23'`)
	var pairs [][2]int64
	for rows.Next() {
		var p [2]int64
		_ = rows.Scan(&p[0], &p[1])
		pairs = append(pairs, p)
	}
	for _, p := range pairs {
		v, _ := st.ViewerByID(ctx, p[1])
		f, ids, err := st.UnitFacts(ctx, v, p[0], asOf)
		if err != nil {
			t.Fatal(err)
		}
		res, err := rules.Evaluate(f, rules.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// Staff from outside the unit (a former supervisor named by an old
		// conference) are in the facts so they validate; their obligations
		// are not this unit's.
		own := map[string]bool{}
		for _, c := range f.Cases {
			own[c.ID] = true
		}
		for _, s := range f.Staff {
			if s.Role == rules.RoleWorker || ids.People[s.ID] == p[1] {
				own[s.ID] = true
			}
		}
		for _, o := range res.Obligations {
			if !own[o.Subject] {
				continue
			}
			states[o.State]++
			rulesSeen[o.Rule+" "+o.State]++
		}
	}
	for _, s := range []string{rules.StateOpen, rules.StateOverdue, rules.StateMet, rules.StateMetLate} {
		if states[s] == 0 {
			t.Errorf("no obligation %s in the demo: %v", s, states)
		}
	}
	for _, r := range []string{"supervision.worker open", "supervision.worker overdue", "supervision.case open", "supervision.case overdue",
		"risk.report met", "risk.report overdue", "risk.weekly open", "casework.supervisor open", "contacts.approval overdue"} {
		if rulesSeen[r] == 0 {
			t.Errorf("the demo has no %q", r)
		}
	}
	t.Logf("states: %v\nby rule: %v", states, rulesSeen)
	_ = store.ErrNotFound
}
