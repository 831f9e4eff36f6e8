package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/store"
)

// A supervisor's visit shortfalls hold their own unit's rows and no other
// unit's, against real PostgreSQL: every unit of the demo gets a case with
// a visit plan and no visit (short every month), so every unit has rows to
// leak; each supervisor then reads exactly their unit's months, the
// casework supervisors between them every unit. And a supervisor who was
// for a while a casework supervisor, and is still named above another
// supervisor (a role changed in the database under an open position),
// still reads only their own unit: the reach takes the viewer's role.
//
// The demo's own visit plans are left out, so the test's are the only ones.
func TestVisitShortfallsSupervisorReadsOnlyOwnUnit(t *testing.T) {
	st, owner := seededAppWithout(t, func(d *store.Dataset) { d.VisitPlans = nil })
	ctx := context.Background()
	q := func(sql string, args ...any) {
		t.Helper()
		if _, err := owner.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	var plans int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM case_mvr`).Scan(&plans); err != nil || plans != 0 {
		t.Fatalf("the demo holds %d visit plans (%v): the expected figures below count only this test's", plans, err)
	}
	// One case per unit, held since July by a worker in the unit from July
	// to today, with a plan of one child visit a month from August.
	q(`WITH w AS (
	       SELECT DISTINCT ON (um.unit_id) um.unit_id, um.worker_id, u.office_id
	       FROM unit_members um JOIN units u ON u.id = um.unit_id
	       WHERE um.during @> DATE '2026-07-01' AND um.during @> $1::date
	       ORDER BY um.unit_id, um.worker_id),
	   c AS (
	       INSERT INTO cases (case_number, family_name, office_id, setting, goal, created_at)
	       SELECT 'T-R' || w.unit_id, 'Reach', w.office_id, 'in_home', 'remain_home', now() FROM w RETURNING id, case_number),
	   a AS (
	       INSERT INTO case_assignments (case_id, worker_id, during)
	       SELECT c.id, w.worker_id, daterange('2026-07-01', NULL) FROM c JOIN w ON c.case_number = 'T-R' || w.unit_id)
	   INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_at)
	   SELECT c.id, '2026-08-01', 1, 0, 0, now() FROM c`, asOf)

	type sup struct {
		id, unit int64
	}
	var sups []sup
	rows, err := owner.Query(ctx, `SELECT supervisor_id, unit_id FROM unit_supervisors WHERE during @> $1::date ORDER BY supervisor_id`, asOf)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s sup
		if err := rows.Scan(&s.id, &s.unit); err != nil {
			t.Fatal(err)
		}
		sups = append(sups, s)
	}
	if rows.Err() != nil || len(sups) < 2 {
		t.Fatalf("%d supervisors (%v)", len(sups), rows.Err())
	}
	var withCase int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM cases WHERE case_number LIKE 'T-R%'`).Scan(&withCase); err != nil || withCase < len(sups) {
		t.Fatalf("%d units got a case (%v), want at least the %d supervised", withCase, err, len(sups))
	}
	from, to := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	units := func(v access.Viewer) map[int64][]string {
		t.Helper()
		rows, err := st.VisitShortfalls(ctx, v, asOf, from, to)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64][]string{}
		for _, r := range rows {
			out[r.UnitID] = append(out[r.UnitID], r.Month.Format("2006-01"))
			if r.Planned != 1 || r.Short != 1 || r.ShortChild != 1 {
				t.Errorf("unit %d %s: %+v, want the one case, short of a child visit", r.UnitID, r.Month.Format("2006-01"), r)
			}
		}
		return out
	}
	for _, s := range sups {
		got := units(access.Viewer{PersonID: s.id, Role: access.Supervisor})
		for u := range got {
			if u != s.unit {
				t.Errorf("supervisor %d (unit %d) reads unit %d's visit shortfalls", s.id, s.unit, u)
			}
		}
		if m := got[s.unit]; len(m) != 3 || m[0] != "2026-08" || m[2] != "2026-10" {
			t.Errorf("supervisor %d: their unit's months %v, want August to October (November has not ended)", s.id, m)
		}
	}
	seen := map[int64]bool{}
	cwsRows, err := owner.Query(ctx, `SELECT DISTINCT casework_supervisor_id FROM supervisor_reports WHERE during @> $1::date`, asOf)
	if err != nil {
		t.Fatal(err)
	}
	var cwsIDs []int64
	for cwsRows.Next() {
		var id int64
		_ = cwsRows.Scan(&id)
		cwsIDs = append(cwsIDs, id)
	}
	for _, id := range cwsIDs {
		for u := range units(access.Viewer{PersonID: id, Role: access.CaseworkSupervisor}) {
			seen[u] = true
		}
	}
	for _, s := range sups {
		if !seen[s.unit] {
			t.Errorf("unit %d has visit shortfalls no casework supervisor reads: the check above could not fail", s.unit)
		}
	}

	// The first supervisor is made a casework supervisor, named above the
	// second supervisor from November, and made a supervisor again: their
	// unit position and that report are both open.
	a, b := sups[0], sups[1]
	q(`UPDATE people SET role = 'casework_supervisor' WHERE id = $1`, a.id)
	q(`UPDATE supervisor_reports SET during = daterange(lower(during), '2026-11-01') WHERE supervisor_id = $1 AND during @> $2::date`, b.id, asOf)
	q(`INSERT INTO supervisor_reports (supervisor_id, casework_supervisor_id, during) VALUES ($1, $2, daterange('2026-11-01', NULL))`, b.id, a.id)
	q(`UPDATE people SET role = 'supervisor' WHERE id = $1`, a.id)
	got := units(access.Viewer{PersonID: a.id, Role: access.Supervisor})
	if _, leak := got[b.unit]; leak || len(got[a.unit]) != 3 {
		t.Errorf("a supervisor still named above another: reads %v, want only their unit %d", got, a.unit)
	}
}
