package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// The area dashboard's "Visit plan reviews overdue" and "Contacts awaiting
// approval" of each unit come from the unit's own read (UnitRead: the
// roster's contacts awaiting approval, the facts the rules engine reviews
// the visit plans from), for every unit of each casework supervisor's area
// (AreaUnitsRead), against real PostgreSQL. Checked here for every
// casework supervisor of the demo, on 2026-12-10 (the review rule is
// computed from 2026-12-01), against the data read apart: the area lists
// only the units whose supervisors report to them, each unit's figures are
// its own, a unit of another area is refused, and a contact awaiting
// approval added in one area moves no figure of another. The demo's own
// reviews are left out, so every worker under a plan from before
// 2026-11-10 is overdue.
func TestAreaUnitsVisitReviewsAndContactsAwaitingStayInTheArea(t *testing.T) {
	st, owner := seededAppWithout(t, func(d *store.Dataset) { d.MVRReviews = nil })
	ctx := context.Background()
	on := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	kinds := rules.ContactKinds()

	// Read apart: per unit on the date, the workers whose first review fell
	// due (a month after their earliest plan of an assigned open case) and
	// the contacts awaiting their own approval on its open assigned cases.
	type figures struct{ reviews, contacts int }
	expected := func() map[int64]figures {
		t.Helper()
		out := map[int64]figures{}
		rows, err := owner.Query(ctx, `
			SELECT m.unit_id, count(*) FROM (
			    SELECT a.worker_id, min(p.from_on) AS anchor,
			           (SELECT max(r.reviewed_on) FROM mvr_reviews r WHERE r.worker_id = a.worker_id AND r.reviewed_on <= $1) AS last
			    FROM case_assignments a
			    JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $1)
			    JOIN case_mvr p ON p.case_id = c.id AND p.from_on <= $1
			    WHERE a.during @> $1::date GROUP BY a.worker_id) w
			JOIN unit_members m ON m.worker_id = w.worker_id AND m.during @> $1::date
			WHERE CASE WHEN w.last IS NULL THEN (w.anchor + interval '1 month')::date < $1::date
			           ELSE date_trunc('month', w.last) + interval '2 month' - interval '1 day' < $1::date END
			GROUP BY m.unit_id`, on)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var u int64
			var n int
			if err := rows.Scan(&u, &n); err != nil {
				t.Fatal(err)
			}
			f := out[u]
			f.reviews = n
			out[u] = f
		}
		rows, err = owner.Query(ctx, `
			SELECT m.unit_id, count(*) FROM unit_members m
			JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $1::date
			JOIN cases c ON c.id = a.case_id AND (c.closed IS NULL OR c.closed > $1)
			JOIN events e ON e.case_id = c.id AND e.kind = ANY($2) AND e.approval = 'pending' AND e.occurred_on <= $1
			WHERE m.during @> $1::date GROUP BY m.unit_id`, on, kinds)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var u int64
			var n int
			if err := rows.Scan(&u, &n); err != nil {
				t.Fatal(err)
			}
			f := out[u]
			f.contacts = n
			out[u] = f
		}
		return out
	}
	var cwsIDs []int64
	rows, err := owner.Query(ctx, `SELECT id FROM people WHERE role = 'casework_supervisor' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		cwsIDs = append(cwsIDs, id)
	}
	if len(cwsIDs) < 2 {
		t.Fatalf("%d casework supervisors: no other area to leak from", len(cwsIDs))
	}
	// area reads one casework supervisor's area as the page does: each
	// unit's figures from its own read.
	area := func(cws int64) map[int64]figures {
		t.Helper()
		v, err := st.ViewerByID(ctx, cws)
		if err != nil {
			t.Fatal(err)
		}
		units, err := st.AreaUnitsRead(ctx, v, on)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]figures{}
		for _, u := range units {
			var reports bool
			if err := owner.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM supervisor_reports WHERE supervisor_id = $1 AND casework_supervisor_id = $2 AND during @> $3::date)`,
				u.SupervisorID, cws, on).Scan(&reports); err != nil || !reports {
				t.Errorf("casework supervisor %d's area lists unit %d, whose supervisor does not report to them (%v)", cws, u.UnitID, err)
			}
			d, err := st.UnitRead(ctx, v, u.UnitID, on, on)
			if err != nil {
				t.Fatal(err)
			}
			res, err := rules.Evaluate(d.Facts, rules.Options{})
			if err != nil {
				t.Fatal(err)
			}
			factOf := map[int64]string{}
			for fid, pid := range d.IDs.People {
				factOf[pid] = fid
			}
			var workers []dashboard.Worker
			for _, w := range d.Roster.Workers {
				workers = append(workers, dashboard.Worker{PersonID: w.PersonID, FactID: factOf[w.PersonID], PendingContacts: w.PendingContacts})
			}
			tot := dashboard.Build(d.Facts, res, workers).Totals
			out[u.UnitID] = figures{tot.VisitReviewsOverdue, tot.PendingContacts}
		}
		return out
	}
	// Two workers whose review is owed and not overdue: one reviewed by
	// their supervisor in December, one whose only plan began 2026-11-20
	// (due 2026-12-20). Only overdue ones count.
	if tag, err := owner.Exec(ctx, `
		INSERT INTO mvr_reviews (worker_id, reviewed_by, reviewed_on, note, recorded_at)
		SELECT a.worker_id, s.supervisor_id, '2026-12-02', 'Reviewed.', now() FROM case_assignments a
		JOIN case_mvr p ON p.case_id = a.case_id
		JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> $1::date
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> $1::date
		WHERE a.during @> $1::date ORDER BY a.worker_id LIMIT 1`, on); err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("a review: %v", err)
	}
	var planned int64
	if err := owner.QueryRow(ctx, `
		SELECT a.worker_id FROM case_assignments a
		JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> $1::date
		WHERE a.during @> $1::date AND NOT EXISTS (SELECT 1 FROM mvr_reviews r WHERE r.worker_id = a.worker_id)
		ORDER BY a.worker_id DESC LIMIT 1`, on).Scan(&planned); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(ctx, `DELETE FROM case_mvr WHERE case_id IN (SELECT case_id FROM case_assignments WHERE worker_id = $1)`, planned); err != nil {
		t.Fatal(err)
	}
	if tag, err := owner.Exec(ctx, `
		INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_at)
		SELECT a.case_id, '2026-11-20', 1, 0, 0, now() FROM case_assignments a
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		WHERE a.worker_id = $1 AND a.during @> $2::date ORDER BY a.case_id LIMIT 1`, planned, on); err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("a plan from 2026-11-20: %v", err)
	}
	want := expected()
	before := map[int64]map[int64]figures{}
	reviews, contacts := 0, 0
	for _, cws := range cwsIDs {
		got := area(cws)
		before[cws] = got
		for u, f := range got {
			if f != want[u] {
				t.Errorf("casework supervisor %d, unit %d: %d reviews overdue, %d contacts awaiting; the data says %d, %d",
					cws, u, f.reviews, f.contacts, want[u].reviews, want[u].contacts)
			}
			reviews += f.reviews
			contacts += f.contacts
		}
	}
	if reviews == 0 || contacts == 0 {
		t.Fatalf("%d reviews overdue, %d contacts awaiting in every area: the test compares nothing", reviews, contacts)
	}

	// A unit of another area is refused to the first casework supervisor.
	first, second := cwsIDs[0], cwsIDs[1]
	var outside int64
	for u := range before[second] {
		if _, mine := before[first][u]; !mine {
			outside = u
			break
		}
	}
	if outside == 0 {
		t.Fatal("the second area has no unit outside the first")
	}
	v, err := st.ViewerByID(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UnitRead(ctx, v, outside, on, on); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unit %d of another area read by casework supervisor %d: %v, want not found", outside, first, err)
	}

	// A contact awaiting approval in that unit moves its area only.
	if _, err := owner.Exec(ctx, `
		INSERT INTO events (case_id, kind, occurred_on, recorded_at, approval)
		SELECT a.case_id, 'child_visit', '2026-12-09', now(), 'pending' FROM case_assignments a
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		JOIN unit_members m ON m.worker_id = a.worker_id AND m.unit_id = $1 AND m.during @> $2::date
		WHERE a.during @> $2::date ORDER BY a.case_id LIMIT 1`, outside, on); err != nil {
		t.Fatal(err)
	}
	for _, cws := range []int64{first, second} {
		got := area(cws)
		for u, f := range got {
			w := before[cws][u]
			if u == outside {
				w.contacts++
			}
			if f != w {
				t.Errorf("after a contact in unit %d: casework supervisor %d, unit %d: %+v, want %+v", outside, cws, u, f, w)
			}
		}
		if _, has := got[outside]; has != (cws == second) {
			t.Errorf("casework supervisor %d's area has unit %d: %v", cws, outside, has)
		}
	}
}
