package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
)

// Access follows reassignment at once: a worker moved to another unit leaves
// the old supervisor's reach and enters the new one's, with their cases; a
// case transferred to another worker leaves the first worker's reach.
func TestAccessFollowsReassignment(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	q := func(sql string, args ...any) int64 {
		var id int64
		if err := h.pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	oldSup := q(`SELECT id FROM people WHERE role = 'supervisor' ORDER BY id LIMIT 1`)
	newSup := q(`SELECT id FROM people WHERE role = 'supervisor' ORDER BY id OFFSET 1 LIMIT 1`)
	newUnit := q(`SELECT unit_id FROM unit_supervisors WHERE supervisor_id = $1 AND upper_inf(during)`, newSup)
	worker := q(`SELECT m.worker_id FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during)
		WHERE s.supervisor_id = $1 AND upper_inf(m.during) ORDER BY m.worker_id LIMIT 1`, oldSup)
	caseID := q(`SELECT case_id FROM case_assignments WHERE worker_id = $1 AND upper_inf(during) ORDER BY case_id LIMIT 1`, worker)
	email := func(id int64) string {
		var e string
		_ = h.pool.QueryRow(ctx, `SELECT email FROM people WHERE id = $1`, id).Scan(&e)
		return e
	}
	oldC, newC, wC := h.client(t), h.client(t), h.client(t)
	h.signIn(t, oldC, email(oldSup))
	h.signIn(t, newC, email(newSup))
	h.signIn(t, wC, email(worker))
	paths := []string{fmt.Sprintf("/workers/%d", worker), fmt.Sprintf("/cases/%d", caseID)}
	for _, p := range paths {
		if r, _ := h.get(t, oldC, p); r.StatusCode != http.StatusOK {
			t.Fatalf("before the move, old supervisor %s: %d", p, r.StatusCode)
		}
	}
	// The move takes effect today (the app's clock: 2026-11-23).
	if _, err := h.pool.Exec(ctx, `UPDATE unit_members SET during = daterange(lower(during), DATE '2026-11-23') WHERE worker_id = $1 AND upper_inf(during)`, worker); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(ctx, `INSERT INTO unit_members (unit_id, worker_id, during) VALUES ($1, $2, daterange(DATE '2026-11-23', NULL))`, newUnit, worker); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if r, _ := h.get(t, oldC, p); r.StatusCode != http.StatusNotFound {
			t.Errorf("after the move, old supervisor %s: %d, want 404", p, r.StatusCode)
		}
		if r, _ := h.get(t, newC, p); r.StatusCode != http.StatusOK {
			t.Errorf("after the move, new supervisor %s: %d, want 200", p, r.StatusCode)
		}
	}
	// The case goes to another worker of the new unit: the first worker
	// stops reaching it.
	other := q(`SELECT worker_id FROM unit_members WHERE unit_id = $1 AND upper_inf(during) AND worker_id <> $2 LIMIT 1`, newUnit, worker)
	if _, err := h.pool.Exec(ctx, `UPDATE case_assignments SET during = daterange(lower(during), DATE '2026-11-23') WHERE case_id = $1 AND upper_inf(during)`, caseID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(ctx, `INSERT INTO case_assignments (case_id, worker_id, during) VALUES ($1, $2, daterange(DATE '2026-11-23', NULL))`, caseID, other); err != nil {
		t.Fatal(err)
	}
	if r, _ := h.get(t, wC, paths[1]); r.StatusCode != http.StatusNotFound {
		t.Errorf("the first worker still reaches the transferred case: %d", r.StatusCode)
	}
	if r, _ := h.get(t, newC, paths[1]); r.StatusCode != http.StatusOK {
		t.Errorf("the new supervisor loses the transferred case: %d", r.StatusCode)
	}
}
