package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/casework/casework/internal/access"
)

// A supervisor's monthly contact shortfalls hold their own unit's rows and
// no other unit's, against real PostgreSQL: every unit of the demo gets a
// case held since July with no contact (short every month), so every unit
// has rows to leak; each supervisor then reads exactly their unit's months,
// the casework supervisors between them every unit. And a supervisor who
// was for a while a casework supervisor, and is still named above another
// supervisor (a role changed in the database under an open position),
// still reads only their own unit: the reach takes the viewer's role.
func TestContactShortfallsSupervisorReadsOnlyOwnUnit(t *testing.T) {
	st, owner := seededApp(t)
	ctx := context.Background()
	q := func(sql string, args ...any) {
		t.Helper()
		if _, err := owner.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	q(`WITH w AS (
	       SELECT DISTINCT ON (um.unit_id) um.unit_id, um.worker_id, u.office_id
	       FROM unit_members um JOIN units u ON u.id = um.unit_id
	       WHERE um.during @> DATE '2026-07-01' AND um.during @> $1::date
	       ORDER BY um.unit_id, um.worker_id),
	   c AS (
	       INSERT INTO cases (case_number, family_name, office_id, setting, goal, created_at)
	       SELECT 'T-CR' || w.unit_id, 'Reach', w.office_id, 'in_home', 'remain_home', now() FROM w RETURNING id, case_number)
	   INSERT INTO case_assignments (case_id, worker_id, during)
	   SELECT c.id, w.worker_id, daterange('2026-07-01', NULL) FROM c JOIN w ON c.case_number = 'T-CR' || w.unit_id`, asOf)
	month := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	readings, _ := contactReadings(t, "nj-cpp", "2026-12-01", month("2026-08-01"), month("2026-09-01"), month("2026-10-01"), month("2026-11-01"))

	type sup struct{ id, unit int64 }
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
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM cases WHERE case_number LIKE 'T-CR%'`).Scan(&withCase); err != nil || withCase < len(sups) {
		t.Fatalf("%d units got a case (%v), want at least the %d supervised", withCase, err, len(sups))
	}
	// units: each unit's months read (month and rule), with their rows'
	// short count at least the test's case.
	units := func(v access.Viewer) map[int64]map[string]bool {
		t.Helper()
		rows, err := st.ContactShortfalls(ctx, v, asOf, readings)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]map[string]bool{}
		for _, r := range rows {
			if out[r.UnitID] == nil {
				out[r.UnitID] = map[string]bool{}
			}
			out[r.UnitID][r.Month.Format("2006-01")+" "+r.Rule] = true
			if r.Owing < 1 || r.Short > r.Owing {
				t.Errorf("unit %d %s %s: %+v", r.UnitID, r.Month.Format("2006-01"), r.Rule, r)
			}
		}
		return out
	}
	for _, s := range sups {
		got := units(access.Viewer{PersonID: s.id, Role: access.Supervisor})
		for u := range got {
			if u != s.unit {
				t.Errorf("supervisor %d (unit %d) reads unit %d's contact shortfalls", s.id, s.unit, u)
			}
		}
		m := got[s.unit]
		for _, k := range []string{"2026-08", "2026-09", "2026-10"} {
			if !m[k+" visits.collateral_monthly"] || !m[k+" visits.parent_monthly"] {
				t.Errorf("supervisor %d: their unit's %s is missing (%v)", s.id, k, m)
			}
		}
		if m["2026-11 visits.collateral_monthly"] {
			t.Errorf("supervisor %d: November (not ended) is counted", s.id)
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
			t.Errorf("unit %d has contact shortfalls no casework supervisor reads: the check above could not fail", s.unit)
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
	if _, leak := got[b.unit]; leak || len(got[a.unit]) != 6 {
		t.Errorf("a supervisor still named above another: reads %v, want only their unit %d's six months and rules", got, a.unit)
	}
}
