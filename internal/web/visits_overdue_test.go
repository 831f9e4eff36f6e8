package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/web"
)

// The visit obligations on the dashboards (rules tagged visits, nj-cpp from
// 2026-12-01): as of Thu 2026-12-10, a case of a worker under a plan of two
// child visits a month, with one visit in November, adds one overdue visit
// to the worker's row and the unit's card on /unit, and to the unit's line
// on /area; the worker's list and the unit's list behind the number show
// the case with what is owed, never the rule's id. Two child visits in
// December meet the plan again: the figures go back, the kept dashboards
// are not shown stale.
func TestDashboardsShowOverdueVisits(t *testing.T) {
	h := newHarnessWith(t, func(c *web.Config) {
		c.Now = func() time.Time { return time.Date(2026, 12, 10, 17, 0, 0, 0, time.UTC) }
	})
	ctx := context.Background()
	var unit, worker, office int64
	var supEmail, cwsEmail string
	if err := h.pool.QueryRow(ctx, `
		SELECT um.unit_id, um.worker_id, u.office_id, sp.email, cp.email
		FROM unit_members um JOIN units u ON u.id = um.unit_id
		JOIN unit_supervisors us ON us.unit_id = um.unit_id AND upper_inf(us.during)
		JOIN people sp ON sp.id = us.supervisor_id
		JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND upper_inf(r.during)
		JOIN people cp ON cp.id = r.casework_supervisor_id
		WHERE upper_inf(um.during) AND um.during @> DATE '2026-09-01'
		ORDER BY um.unit_id, um.worker_id LIMIT 1`).Scan(&unit, &worker, &office, &supEmail, &cwsEmail); err != nil {
		t.Fatal(err)
	}
	sup, cws := h.client(t), h.client(t)
	h.signIn(t, sup, supEmail)
	h.signIn(t, cws, cwsEmail)
	n := func(s string) int { i, _ := strconv.Atoi(s); return i }
	card := regexp.MustCompile(`<span class="n">(\d+)</span>\s*<span class="l">overdue visits and contacts</span>`)
	cell := regexp.MustCompile(`data-testid="visits">\s*(?:<a href="([^"]*)" class="badge risk">(\d+)</a>|0)\s*</td>`)
	areaCell := regexp.MustCompile(`data-testid="visits"><a href="/units/` + strconv.FormatInt(unit, 10) + `/cases\?show=visits">(\d+)</a></td>`)
	read := func() (row, total, area int) {
		t.Helper()
		r, body := h.get(t, sup, "/unit")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("/unit: %d", r.StatusCode)
		}
		m := card.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("/unit has no card of overdue visits")
		}
		total = n(m[1])
		at := strings.Index(body, fmt.Sprintf(`data-worker="%d"`, worker))
		if at < 0 {
			t.Fatalf("worker %d has no row on /unit", worker)
		}
		tr := body[at:]
		tr = tr[:strings.Index(tr, "</tr>")]
		c := cell.FindStringSubmatch(tr)
		if c == nil {
			t.Fatalf("the worker's row has no overdue visits cell: %s", tr)
		}
		if c[2] != "" {
			row = n(c[2])
			if want := fmt.Sprintf("/workers/%d?show=visits", worker); c[1] != want {
				t.Errorf("the worker's overdue visits link to %q, want %q", c[1], want)
			}
		}
		r, body = h.get(t, cws, "/area")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("/area: %d", r.StatusCode)
		}
		a := areaCell.FindStringSubmatch(body)
		if a == nil {
			t.Fatalf("the unit %d's line on /area has no overdue visits", unit)
		}
		return row, total, n(a[1])
	}
	row, total, area := read()
	if total != area || row > total {
		t.Errorf("before: worker %d, unit card %d, area line %d", row, total, area)
	}

	var c int64
	if err := h.pool.QueryRow(ctx, `INSERT INTO cases (case_number, family_name, office_id, setting, goal, created_at)
		VALUES ('T-VISITS', 'Shortmonth', $1, 'in_home', 'remain_home', now()) RETURNING id`, office).Scan(&c); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(ctx, `INSERT INTO case_assignments (case_id, worker_id, during) VALUES ($1, $2, daterange('2026-09-01', NULL))`, c, worker); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(ctx, `INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_at) VALUES ($1, '2026-10-01', 2, 0, 0, now())`, c); err != nil {
		t.Fatal(err)
	}
	// October met, November one of two; the monthly parent and collateral
	// contacts made in December, so only the plan's child visits are overdue.
	if _, err := h.pool.Exec(ctx, `INSERT INTO events (case_id, kind, occurred_on, recorded_at) VALUES
		($1, 'child_visit', '2026-10-05', now()), ($1, 'child_visit', '2026-10-20', now()), ($1, 'child_visit', '2026-11-12', now()),
		($1, 'parent_visit', '2026-12-03', now()), ($1, 'collateral_contact', '2026-12-04', now())`, c); err != nil {
		t.Fatal(err)
	}
	r2, t2, a2 := read()
	if r2 != row+1 || t2 != total+1 || a2 != area+1 {
		t.Errorf("a plan's month ended short: worker %d, unit %d, area %d; before %d, %d, %d", r2, t2, a2, row, total, area)
	}
	for path, table := range map[string]string{
		fmt.Sprintf("/workers/%d?show=visits", worker):   `data-testid="caseload"`,
		fmt.Sprintf("/units/%d/cases?show=visits", unit): `data-testid="case-list"`,
	} {
		r, body := h.get(t, sup, path)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
		if strings.Contains(body, "mvr.child_monthly") {
			t.Errorf("%s names the rule id", path)
		}
		list := strings.Index(body, table)
		if list < 0 {
			t.Fatalf("%s has no list", path)
		}
		body = body[list:]
		at := strings.Index(body, ">Shortmonth</a>")
		if at < 0 {
			t.Fatalf("%s does not list the case", path)
		}
		entry := body[at:]
		entry = entry[:strings.Index(entry, "</tr>")]
		if !strings.Contains(entry, "Monthly visits with the child (MVR)") || !strings.Contains(entry, "overdue") || !strings.Contains(entry, "ended short (1 of 2)") {
			t.Errorf("%s: the case's entry does not say the plan's month ended short: %s", path, entry)
		}
		if strings.Contains(entry, "Monthly collateral contact") || strings.Contains(entry, "Monthly discussion") {
			t.Errorf("%s lists an obligation that is not an overdue visit: %s", path, entry)
		}
	}

	if _, err := h.pool.Exec(ctx, `INSERT INTO events (case_id, kind, occurred_on, recorded_at) VALUES
		($1, 'child_visit', '2026-12-02', now()), ($1, 'child_visit', '2026-12-08', now())`, c); err != nil {
		t.Fatal(err)
	}
	if r3, t3, a3 := read(); r3 != row || t3 != total || a3 != area {
		t.Errorf("December met: worker %d, unit %d, area %d; want %d, %d, %d", r3, t3, a3, row, total, area)
	}
}
