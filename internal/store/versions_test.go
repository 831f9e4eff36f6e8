package store_test

import (
	"context"
	"testing"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/store"
)

// Every change to what a unit's dashboard is computed from gives the unit a
// new stamp, in the transaction of the change (migration 000021): a kept
// evaluation is never shown after its data changed. Each write below is one
// the app, an import or an administrator makes; each must change the stamp
// of the unit it concerns and leave an unrelated unit's alone (but for
// agency-wide changes, which change every stamp).
func TestEveryChangeMovesTheUnitsStamp(t *testing.T) {
	st, owner := seededApp(t)
	ctx := context.Background()
	var unit, other, worker, caseID, sup, cws, conf int64
	q := func(sql string, dst ...any) {
		t.Helper()
		if err := owner.QueryRow(ctx, sql, asOf).Scan(dst...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	q(`SELECT s.unit_id, s.supervisor_id, r.casework_supervisor_id FROM unit_supervisors s
		JOIN supervisor_reports r ON r.supervisor_id = s.supervisor_id AND r.during @> $1::date
		WHERE s.during @> $1::date ORDER BY s.unit_id LIMIT 1`, &unit, &sup, &cws)
	q(`SELECT unit_id FROM unit_supervisors WHERE during @> $1::date ORDER BY unit_id DESC LIMIT 1`, &other)
	q(`SELECT m.worker_id, a.case_id FROM unit_members m JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $1::date
		WHERE m.during @> $1::date AND m.unit_id = (SELECT min(unit_id) FROM unit_supervisors) ORDER BY 1, 2 LIMIT 1`, &worker, &caseID)
	q(`SELECT k.id FROM conferences k WHERE k.worker_id IN (SELECT worker_id FROM unit_members WHERE unit_id =
		(SELECT min(unit_id) FROM unit_supervisors)) AND k.status = 'signed' AND $1::date IS NOT NULL ORDER BY k.id LIMIT 1`, &conf)
	admin := access.Viewer{PersonID: sup, Role: access.Supervisor}
	stamp := func(u int64) store.Stamp {
		t.Helper()
		s, err := st.UnitView(ctx, admin, u, asOf)
		if u == other {
			// another supervisor's unit: read the stamp as its own supervisor
			var os int64
			q(`SELECT supervisor_id FROM unit_supervisors WHERE during @> $1::date ORDER BY unit_id DESC LIMIT 1`, &os)
			s, err = st.UnitView(ctx, access.Viewer{PersonID: os, Role: access.Supervisor}, u, asOf)
		}
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	day := asOf.AddDate(0, 0, -1)
	for _, tc := range []struct {
		name      string
		sql       string
		args      []any
		everyUnit bool
	}{
		{"an event recorded", `INSERT INTO events (case_id, kind, occurred_on, recorded_at) VALUES ($1, 'child_visit', $2, now())`, []any{caseID, day}, false},
		{"an event approved", `UPDATE events SET approval = 'approved' WHERE case_id = $1`, []any{caseID}, false},
		{"a risk assessed", `INSERT INTO risk_assessments (case_id, level, assessed_on, recorded_at) VALUES ($1, 'high', $2, now())`, []any{caseID, day}, false},
		{"a case's court date", `UPDATE cases SET court_involved = true, court_next = $2 WHERE id = $1`, []any{caseID, day}, false},
		{"a visit plan set", `INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_at) VALUES ($1, $2, 9, 9, 9, now())`, []any{caseID, day}, false},
		{"a visit plan corrected", `UPDATE case_mvr SET child = 8 WHERE case_id = $1 AND from_on = $2`, []any{caseID, day}, false},
		{"siblings placed apart", `INSERT INTO case_siblings_apart (case_id, start_on, set_at) VALUES ($1, $2, now())`, []any{caseID, day}, false},
		{"siblings together again", `UPDATE case_siblings_apart SET end_on = $2 WHERE case_id = $1`, []any{caseID, day}, false},
		{"siblings apart removed", `DELETE FROM case_siblings_apart WHERE case_id = $1`, []any{caseID}, false},
		{"a conference shared", `UPDATE conferences SET status = 'shared', shared_at = now(), shared_by = supervisor_id WHERE id = $1 AND status = 'signed'`, []any{conf}, false},
		{"a member's since", `UPDATE unit_members SET during = daterange(lower(during) - 1, upper(during)) WHERE worker_id = $1`, []any{worker}, true},
		{"a person renamed", `UPDATE people SET full_name = full_name || ' Jr' WHERE id = $1`, []any{worker}, true},
		{"the profile chosen", `INSERT INTO profile_choices (profile, effective_on, chosen_at, chosen_by) VALUES ('nj-cpp', $1, now(), 'test')`, []any{day.AddDate(-5, 0, 0)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, otherBefore := stamp(unit), stamp(other)
			tag, err := owner.Exec(ctx, tc.sql, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if tag.RowsAffected() == 0 {
				t.Fatal("the write changed nothing: fix the fixture")
			}
			after, otherAfter := stamp(unit), stamp(other)
			if after == before {
				t.Errorf("the unit's stamp did not move: %s", after)
			}
			if moved := otherAfter != otherBefore; moved != tc.everyUnit {
				t.Errorf("another unit's stamp moved: %v, want %v (%s -> %s)", moved, tc.everyUnit, otherBefore, otherAfter)
			}
		})
	}
	// A case transferred from this unit to the other: both move.
	t.Run("a case transferred to another unit", func(t *testing.T) {
		var to int64
		q(`SELECT worker_id FROM unit_members WHERE unit_id = (SELECT max(unit_id) FROM unit_supervisors WHERE during @> $1::date) AND during @> $1::date LIMIT 1`, &to)
		before, otherBefore := stamp(unit), stamp(other)
		tx, err := owner.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `UPDATE case_assignments SET during = daterange(lower(during), $2) WHERE case_id = $1 AND during @> $2::date`, caseID, asOf); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_assignments (case_id, worker_id, during) VALUES ($1, $2, daterange($3, NULL))`, caseID, to, asOf); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if stamp(unit) == before || stamp(other) == otherBefore {
			t.Error("a transfer must move both units' stamps")
		}
	})
}
