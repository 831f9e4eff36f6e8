package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/testdb"
)

// Contract version 2 in the store: a case reassigned keeps its first
// assignment in the facts the pages evaluate (so case.assignment is met on
// it, not late), whether the first assignment came from the system of
// record's file or from the assignments kept here; a case without a goal
// imports and evaluates.
func TestFirstAssignedInTheUnitsFacts(t *testing.T) {
	data, err := os.ReadFile("../../docs/examples/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	owner, st := testdb.App(t)
	if rep := importFacts(t, st, "facts.json", data); !rep.OK() {
		t.Fatal(rep.Problems.List)
	}
	ctx := context.Background()
	var unit, sup, c1 int64
	if err := owner.QueryRow(ctx, `
		SELECT m.unit_id, s.supervisor_id, c.id FROM cases c
		JOIN case_assignments a ON a.case_id = c.id AND upper_inf(a.during)
		JOIN unit_members m ON m.worker_id = a.worker_id AND upper_inf(m.during)
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during)
		WHERE c.case_number = 'c-7'`).Scan(&unit, &sup, &c1); err != nil {
		t.Fatal(err)
	}
	// c-1 of the same worker is reassigned here: assigned 2026-11-03 (from
	// the file), then to the same worker again from 2026-11-20 (a new row).
	if _, err := owner.Exec(ctx, `UPDATE case_assignments SET during = daterange(lower(during), DATE '2026-11-20')
		WHERE case_id = (SELECT id FROM cases WHERE case_number = 'c-1') AND upper_inf(during)`); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(ctx, `INSERT INTO case_assignments (case_id, worker_id, during)
		SELECT case_id, worker_id, daterange(DATE '2026-11-20', NULL) FROM case_assignments
		WHERE case_id = (SELECT id FROM cases WHERE case_number = 'c-1')`); err != nil {
		t.Fatal(err)
	}
	// c-7 was also assigned before it was received (a row of the system
	// of record's history): not its first assignment.
	if _, err := owner.Exec(ctx, `INSERT INTO case_assignments (case_id, worker_id, during)
		SELECT c.id, a.worker_id, daterange(c.received - 20, c.received - 5) FROM cases c JOIN case_assignments a ON a.case_id = c.id
		WHERE c.case_number = 'c-7' AND c.received IS NOT NULL LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	on := dateTime(rules.MustDate("2026-11-22"))
	f, _, err := st.UnitFacts(ctx, access.Viewer{PersonID: sup, Role: access.Supervisor}, unit, on)
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]string{}
	assigned := map[string]string{}
	for _, c := range f.Cases {
		first[c.ID], assigned[c.ID] = c.FirstAssigned.String(), c.Assigned.String()
	}
	if first["c-7"] != "2026-06-02" || assigned["c-7"] != "2026-10-12" {
		t.Errorf("c-7 (first assignment from the file): first %q, assigned %q", first["c-7"], assigned["c-7"])
	}
	if first["c-1"] != "2026-11-03" || assigned["c-1"] != "2026-11-20" {
		t.Errorf("c-1 (reassigned here): first %q, assigned %q", first["c-1"], assigned["c-1"])
	}
	// The state-wide load reads the same first assignments, for every
	// case, as the unit's facts and the export (firstAssignedSQL).
	agency, err := st.AgencyFacts(ctx, admin, on)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range agency.Cases {
		if want, ok := first[c.ID]; ok && c.FirstAssigned.String() != want {
			t.Errorf("%s in the state-wide load: first %s, the unit's facts %s", c.ID, c.FirstAssigned, want)
		}
	}
	if len(agency.Cases) < len(first) || len(first) < 3 {
		t.Errorf("the state-wide load has %d cases, the unit's facts %d", len(agency.Cases), len(first))
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	met := map[string]string{}
	for _, o := range res.Obligations {
		if o.Rule == "case.assignment" {
			met[o.Subject] = o.State + " " + o.Met.String()
		}
	}
	if met["c-1"] != "met 2026-11-03" || met["c-7"] != "met 2026-06-02" {
		t.Errorf("case.assignment: %v", met)
	}
	// c-5 has no goal: it imported, and is kept without one.
	var goal *string
	if err := owner.QueryRow(ctx, `SELECT goal FROM cases WHERE case_number = 'c-5'`).Scan(&goal); err != nil || goal != nil {
		t.Errorf("c-5's goal: %v (%v), want none", goal, err)
	}
}
