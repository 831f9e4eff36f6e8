package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/store"
)

// The visit plan months that ended short, per unit and month, against real
// PostgreSQL: two cases added to a unit of the demo, with plans and visits
// month by month, move the unit's figures by exactly what they owe; the
// current month is not counted (it has not ended); another unit's
// supervisor does not see the unit, its casework supervisor does, a worker
// is refused.
func TestVisitShortfallsTrend(t *testing.T) {
	st, owner := seededApp(t)
	ctx := context.Background()
	var unit, worker, sup, cws, otherSup, office int64
	if err := owner.QueryRow(ctx, `
		SELECT um.unit_id, um.worker_id, us.supervisor_id, r.casework_supervisor_id,
		       (SELECT s2.supervisor_id FROM unit_supervisors s2 WHERE s2.unit_id <> um.unit_id AND s2.supervisor_id <> us.supervisor_id
		          AND s2.during @> $1::date ORDER BY s2.unit_id LIMIT 1),
		       u.office_id
		FROM unit_members um
		JOIN units u ON u.id = um.unit_id
		JOIN unit_supervisors us ON us.unit_id = um.unit_id AND us.during @> $1::date
		JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND r.during @> $1::date
		WHERE um.during @> DATE '2026-07-01' AND um.during @> $1::date
		ORDER BY um.unit_id, um.worker_id LIMIT 1`, asOf).Scan(&unit, &worker, &sup, &cws, &otherSup, &office); err != nil {
		t.Fatal(err)
	}
	supV := access.Viewer{PersonID: sup, Role: access.Supervisor}
	from, to := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	type fig struct{ planned, short, child, parents, provider int }
	figures := func(v access.Viewer) map[string]fig {
		t.Helper()
		rows, err := st.VisitShortfalls(ctx, v, asOf, from, to)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]fig{}
		for _, r := range rows {
			if r.UnitID == unit {
				out[r.Month.Format("2006-01")] = fig{r.Planned, r.Short, r.ShortChild, r.ShortParents, r.ShortProvider}
			}
		}
		return out
	}
	before := figures(supV)

	// Case X, placed 2026-07-01: plan from 2026-08-01 of 2 child, 1
	// parent, 1 provider visits; from 2026-10-15 of 1, 1, 0 (owed from
	// November). August met; September short of a parent visit; October
	// short of a child visit (the plan in force on 1 October still asks
	// two; the one of the 15th does not count until November); November
	// has not ended. Case Y, in home: a plan of one child visit set
	// 2026-09-10 (owed from October), and a provider count it does not owe
	// (not placed); October without a visit is short.
	var x, y int64
	for _, c := range []struct {
		id      *int64
		number  string
		setting string
		placed  any
	}{{&x, "T-X", "out_of_home", "2026-07-01"}, {&y, "T-Y", "in_home", nil}} {
		if err := owner.QueryRow(ctx, `INSERT INTO cases (case_number, family_name, office_id, setting, placement_date, goal, created_at)
			VALUES ($1, $1, $2, $3, $4, 'adoption', now()) RETURNING id`, c.number, office, c.setting, c.placed).Scan(c.id); err != nil {
			t.Fatal(err)
		}
		if _, err := owner.Exec(ctx, `INSERT INTO case_assignments (case_id, worker_id, during) VALUES ($1, $2, daterange('2026-07-01', NULL))`, *c.id, worker); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := owner.Exec(ctx, `INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_at) VALUES
		($1, '2026-08-01', 2, 1, 1, now()), ($1, '2026-10-15', 1, 1, 0, now()), ($2, '2026-09-10', 1, 0, 3, now())`, x, y); err != nil {
		t.Fatal(err)
	}
	visits := []struct {
		c    int64
		kind string
		on   string
	}{
		{x, "child_visit", "2026-08-03"}, {x, "child_visit", "2026-08-20"}, {x, "parent_visit", "2026-08-10"}, {x, "provider_visit", "2026-08-31"},
		{x, "child_visit", "2026-09-02"}, {x, "child_visit", "2026-09-29"}, {x, "provider_visit", "2026-09-15"}, {x, "sibling_visit", "2026-09-16"},
		{x, "child_visit", "2026-10-30"}, {x, "parent_visit", "2026-10-01"}, {x, "provider_visit", "2026-10-07"},
		{y, "child_visit", "2026-09-12"}, {y, "parent_visit", "2026-10-12"},
	}
	for _, e := range visits {
		if _, err := owner.Exec(ctx, `INSERT INTO events (case_id, kind, occurred_on, recorded_at) VALUES ($1, $2, $3, now())`, e.c, e.kind, e.on); err != nil {
			t.Fatal(err)
		}
	}
	after := figures(supV)
	want := map[string]fig{
		"2026-08": {1, 0, 0, 0, 0},
		"2026-09": {1, 1, 0, 1, 0},
		"2026-10": {2, 2, 2, 0, 0},
	}
	for _, m := range []string{"2026-08", "2026-09", "2026-10"} {
		b, a := before[m], after[m]
		got := fig{a.planned - b.planned, a.short - b.short, a.child - b.child, a.parents - b.parents, a.provider - b.provider}
		if got != want[m] {
			t.Errorf("%s: the two cases moved the figures by %+v, want %+v (before %+v, after %+v)", m, got, want[m], b, a)
		}
	}
	if _, ok := after["2026-11"]; ok {
		t.Errorf("November (not ended as of %s) is counted: %+v", asOf.Format(time.DateOnly), after["2026-11"])
	}
	// As of 2026-12-01 November has ended: X is owed 1, 1, 0 and made
	// none; Y is owed 1 child visit and made none.
	rows, err := st.VisitShortfalls(ctx, supV, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), to, to)
	if err != nil {
		t.Fatal(err)
	}
	var nov store.VisitMonth
	for _, r := range rows {
		if r.UnitID == unit {
			nov = r
		}
	}
	if nov.Planned < 2 || nov.Short < 2 || nov.ShortChild < 2 || nov.ShortParents < 1 {
		t.Errorf("November as of 2026-12-01: %+v, want at least the two cases short", nov)
	}

	// Reach: the casework supervisor over the unit sees the same; another
	// unit's supervisor does not see it; a worker is refused.
	if got := figures(access.Viewer{PersonID: cws, Role: access.CaseworkSupervisor}); got["2026-10"] != after["2026-10"] {
		t.Errorf("casework supervisor: %+v, want %+v", got["2026-10"], after["2026-10"])
	}
	if got := figures(access.Viewer{PersonID: otherSup, Role: access.Supervisor}); len(got) != 0 {
		t.Errorf("another unit's supervisor sees the unit: %+v", got)
	}
	if _, err := st.VisitShortfalls(ctx, access.Viewer{PersonID: worker, Role: access.Worker}, asOf, from, to); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a worker: %v", err)
	}
}
