package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The trends page (the casework supervisor's) keeps a visit plan month
// that ended short: a case of a unit of the area owing two child visits in
// October under its plan, with one made, adds one to October's cases short
// (and to those short of child visits); the current month is shown as not
// ended, not as a zero; another area's casework supervisor does not see the
// unit.
func TestTrendsShowVisitMonthsEndedShort(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var unit, worker, office int64
	var unitName, supEmail, otherEmail string
	if err := h.pool.QueryRow(ctx, `
		SELECT um.unit_id, u.name, um.worker_id, u.office_id, cp.email,
		       (SELECT op.email FROM people op WHERE op.role = 'casework_supervisor' AND op.id <> r.casework_supervisor_id
		          AND NOT EXISTS (SELECT 1 FROM supervisor_reports r2 WHERE r2.casework_supervisor_id = op.id AND r2.supervisor_id = us.supervisor_id)
		        ORDER BY op.id LIMIT 1)
		FROM unit_members um JOIN units u ON u.id = um.unit_id
		JOIN unit_supervisors us ON us.unit_id = um.unit_id AND upper_inf(us.during)
		JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND upper_inf(r.during)
		JOIN people cp ON cp.id = r.casework_supervisor_id
		WHERE upper_inf(um.during) AND um.during @> DATE '2026-09-01'
		ORDER BY um.unit_id, um.worker_id LIMIT 1`).Scan(&unit, &unitName, &worker, &office, &supEmail, &otherEmail); err != nil {
		t.Fatal(err)
	}
	sup := h.client(t)
	h.signIn(t, sup, supEmail)
	october := regexp.MustCompile(`data-month="2026-10"><th scope="row">October 2026</th>(?:<td class="num">(\d+) <span class="why">of (\d+) cases with a plan</span></td><td class="num">(\d+)</td>|<td colspan="4" class="muted">no case owed)`)
	read := func() (short, planned, child int) {
		t.Helper()
		r, body := h.get(t, sup, "/area/trends")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("trends: %d", r.StatusCode)
		}
		at := strings.Index(body, ">"+unitName+"</h2>")
		if at < 0 {
			t.Fatalf("the unit %q (%d) is not on its casework supervisor's trends", unitName, unit)
		}
		section := body[at:]
		if end := strings.Index(section, "</section>"); end > 0 {
			section = section[:end]
		}
		if !strings.Contains(section, `data-month="2026-11"><th scope="row">November 2026</th><td colspan="4" class="muted">not ended yet`) {
			t.Errorf("November (the current month) is not shown as not ended")
		}
		m := october.FindStringSubmatch(section)
		if m == nil {
			t.Fatalf("no October row in the unit's visit shortfalls")
		}
		n := func(s string) int { i, _ := strconv.Atoi(s); return i }
		return n(m[1]), n(m[2]), n(m[3])
	}
	short, planned, child := read()

	var c int64
	if err := h.pool.QueryRow(ctx, `INSERT INTO cases (case_number, family_name, office_id, setting, goal, created_at)
		VALUES ('T-SHORT', 'Short', $1, 'in_home', 'remain_home', now()) RETURNING id`, office).Scan(&c); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(ctx, `INSERT INTO case_assignments (case_id, worker_id, during) VALUES ($1, $2, daterange('2026-09-01', NULL))`, c, worker); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(ctx, `INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_at) VALUES ($1, '2026-09-01', 2, 0, 0, now())`, c); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(ctx, `INSERT INTO events (case_id, kind, occurred_on, recorded_at) VALUES ($1, 'child_visit', '2026-10-14', now())`, c); err != nil {
		t.Fatal(err)
	}
	s2, p2, c2 := read()
	if s2 != short+1 || p2 != planned+1 || c2 != child+1 {
		t.Errorf("October: %d short of %d, %d short of child visits; before %d of %d, %d", s2, p2, c2, short, planned, child)
	}

	other := h.client(t)
	h.signIn(t, other, otherEmail)
	if r, body := h.get(t, other, "/area/trends"); r.StatusCode != http.StatusOK || strings.Contains(body, ">"+unitName+"</h2>") {
		t.Errorf("another area's casework supervisor: %d, or sees %s", r.StatusCode, unitName)
	}
}
