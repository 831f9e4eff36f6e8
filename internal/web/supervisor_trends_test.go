package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/casework/casework/internal/store"
)

// twoUnits is the first supervisor's unit, a second unit of the same area
// (another supervisor's, under the same casework supervisor) and the
// people who reach them.
type twoUnits struct {
	unit, other                  int64
	unitName, otherName          string
	worker, otherWorker, office  int64
	supEmail, otherSup, cwsEmail string
}

func (h *harness) twoUnitsOfOneArea(t *testing.T) twoUnits {
	t.Helper()
	var u twoUnits
	if err := h.pool.QueryRow(context.Background(), `
		WITH s AS (
		    SELECT us.unit_id, un.name, un.office_id, p.email, r.casework_supervisor_id,
		           (SELECT um.worker_id FROM unit_members um WHERE um.unit_id = us.unit_id
		              AND um.during @> DATE '2026-07-01' AND upper_inf(um.during) ORDER BY um.worker_id LIMIT 1) AS worker
		    FROM unit_supervisors us JOIN units un ON un.id = us.unit_id JOIN people p ON p.id = us.supervisor_id
		    JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND upper_inf(r.during)
		    WHERE upper_inf(us.during))
		SELECT a.unit_id, b.unit_id, a.name, b.name, a.worker, b.worker, a.office_id, a.email, b.email, c.email
		FROM s a JOIN s b ON b.casework_supervisor_id = a.casework_supervisor_id AND b.unit_id <> a.unit_id
		JOIN people c ON c.id = a.casework_supervisor_id
		WHERE a.worker IS NOT NULL AND b.worker IS NOT NULL
		ORDER BY a.unit_id, b.unit_id LIMIT 1`).Scan(&u.unit, &u.other, &u.unitName, &u.otherName, &u.worker, &u.otherWorker,
		&u.office, &u.supEmail, &u.otherSup, &u.cwsEmail); err != nil {
		t.Fatal(err)
	}
	var plans int
	if err := h.pool.QueryRow(context.Background(), `SELECT count(*) FROM case_mvr`).Scan(&plans); err != nil || plans != 0 {
		t.Fatalf("the demo holds %d visit plans (%v): the figures below count only this test's", plans, err)
	}
	return u
}

// visitCase adds a case held by the worker since July, out of home (placed
// in July) or in home, with a visit plan from September and the visits
// given (kind, day).
func (h *harness) visitCase(t *testing.T, number string, office, worker int64, outOfHome bool, child, parents, provider int, visits ...[2]string) {
	t.Helper()
	ctx := context.Background()
	setting, placed, goal := "in_home", any(nil), "remain_home"
	if outOfHome {
		setting, placed, goal = "out_of_home", "2026-07-01", "adoption"
	}
	var c int64
	if err := h.pool.QueryRow(ctx, `INSERT INTO cases (case_number, family_name, office_id, setting, placement_date, goal, created_at)
		VALUES ($1, $1, $2, $3, $4, $5, now()) RETURNING id`, number, office, setting, placed, goal).Scan(&c); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []struct {
		q    string
		args []any
	}{
		{`INSERT INTO case_assignments (case_id, worker_id, during) VALUES ($1, $2, daterange('2026-07-01', NULL))`, []any{c, worker}},
		{`INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_at) VALUES ($1, '2026-09-01', $2, $3, $4, now())`, []any{c, child, parents, provider}},
	} {
		if _, err := h.pool.Exec(ctx, sql.q, sql.args...); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range visits {
		if _, err := h.pool.Exec(ctx, `INSERT INTO events (case_id, kind, occurred_on, recorded_at) VALUES ($1, $2, $3, now())`, c, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
}

var unitHeading = regexp.MustCompile(`<h2 id="t-\d+">([^<]*)</h2>`)

// trendSection is a unit's section of a trends page, "" when it has none.
func trendSection(body, unitName string) string {
	at := strings.Index(body, ">"+unitName+"</h2>")
	if at < 0 {
		return ""
	}
	s := body[at:]
	if end := strings.Index(s, "</section>"); end > 0 {
		s = s[:end]
	}
	return s
}

// A supervisor reaches the trends of their own unit from their dashboard:
// their unit's section and no other unit's (not even a sibling unit of
// their area, with a visit month short of its own), nothing summed across
// units, and the same figures for their unit as the casework supervisor's
// page. Workers, administrators and the casework supervisor do not reach
// the supervisor's address; the supervisor does not reach the area's. The
// demo's own visit plans are left out, so the test's are the only ones.
func TestSupervisorTrendsShowTheirUnitOnly(t *testing.T) {
	h := newHarnessOf(t, func(d *store.Dataset) { d.VisitPlans = nil }, nil)
	u := h.twoUnitsOfOneArea(t)
	// October: the unit's case short of a child visit; the other unit's
	// case short of a parent visit.
	h.visitCase(t, "T-MINE", u.office, u.worker, false, 2, 0, 0, [2]string{"child_visit", "2026-10-14"})
	h.visitCase(t, "T-THEIRS", u.office, u.otherWorker, false, 0, 1, 0)

	sup := h.client(t)
	h.signIn(t, sup, u.supEmail)
	if r, body := h.get(t, sup, "/unit"); r.StatusCode != http.StatusOK || !strings.Contains(body, `<a href="/unit/trends" data-testid="trends-link">`) {
		t.Fatalf("the unit dashboard (%d) has no link to the unit's trends", r.StatusCode)
	}
	r, body := h.get(t, sup, "/unit/trends")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("/unit/trends as the supervisor: %d", r.StatusCode)
	}
	var names []string
	for _, m := range unitHeading.FindAllStringSubmatch(body, -1) {
		names = append(names, m[1])
	}
	if len(names) != 1 || names[0] != u.unitName {
		t.Errorf("the supervisor's trends hold the units %q, want only %q", names, u.unitName)
	}
	if strings.Contains(body, u.otherName) {
		t.Errorf("the supervisor's trends name another unit, %q", u.otherName)
	}
	if strings.Contains(body, `href="/area`) || !strings.Contains(body, `<a href="/unit">← My unit</a>`) {
		t.Error("the supervisor's trends lead back to the area, not to their unit")
	}
	if !strings.Contains(body, `<form class="inline-form" action="/exports/compliance.csv" method="get"`) || !strings.Contains(body, `<option value="2026-10">October 2026</option>`) {
		t.Error("the trends offer no month's export")
	}
	mine := trendSection(body, u.unitName)
	october := `data-month="2026-10"><th scope="row">October 2026</th><td class="num">1 <span class="why">of 1 cases with a plan</span></td><td class="num">1</td><td class="num">0</td><td class="num">0</td>`
	if !strings.Contains(mine, october) {
		t.Errorf("the supervisor's October: want the one case short of a child visit; section:\n%s", mine)
	}
	if !strings.Contains(mine, `data-month="2026-11"><th scope="row">November 2026</th><td colspan="4" class="muted">not ended yet`) {
		t.Error("November (not ended) is not shown as not ended")
	}

	cws := h.client(t)
	h.signIn(t, cws, u.cwsEmail)
	_, area := h.get(t, cws, "/area/trends")
	if got := trendSection(area, u.unitName); got != mine {
		t.Errorf("the casework supervisor's section of the unit differs from the supervisor's:\n%s\n---\n%s", got, mine)
	}
	if theirs := trendSection(area, u.otherName); !strings.Contains(theirs, `data-month="2026-10"><th scope="row">October 2026</th><td class="num">1 <span class="why">of 1 cases`) {
		t.Errorf("the other unit's October on the area's trends (the check above could not fail without it):\n%s", theirs)
	}
	if _, b := h.get(t, cws, "/units/"+itoa(u.unit)); !strings.Contains(b, `href="/area/trends#t-`+itoa(u.unit)+`"`) {
		t.Error("the casework supervisor's view of the unit has no link to its trends")
	}

	for who, c := range map[string]*http.Client{"supervisor": sup} {
		if r, _ := h.get(t, c, "/area/trends"); r.StatusCode != http.StatusNotFound {
			t.Errorf("/area/trends as %s: %d", who, r.StatusCode)
		}
	}
	for _, role := range []string{"worker", "administrator"} {
		c := h.client(t)
		h.signIn(t, c, h.email(t, role))
		if r, _ := h.get(t, c, "/unit/trends"); r.StatusCode != http.StatusNotFound {
			t.Errorf("/unit/trends as %s: %d", role, r.StatusCode)
		}
	}
	if r, _ := h.get(t, cws, "/unit/trends"); r.StatusCode != http.StatusNotFound {
		t.Errorf("/unit/trends as the casework supervisor: %d", r.StatusCode)
	}
}

// exportRows reads a month's compliance CSV: its header, and its rows as
// maps from column name, keyed by level and unit (and worker).
func (h *harness) exportRows(t *testing.T, c *http.Client, month string) ([]string, []map[string]string) {
	t.Helper()
	r, body := h.get(t, c, "/exports/compliance.csv?month="+month)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("export %s: %d", month, r.StatusCode)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("export %s: %d records, %v", month, len(recs), err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, name := range recs[0] {
			m[name] = rec[i]
		}
		out = append(out, m)
	}
	return recs[0], out
}

var visitColumns = []string{"cases_with_visit_plan", "cases_short_of_visits", "cases_short_of_child_visits",
	"cases_short_of_parent_visits", "cases_short_of_placement_provider_visits"}

// The month's compliance CSV carries each unit's visit plan figures, as
// the trends count them, against seeded cases: in October the unit's three
// cases with a plan, two short (one of child and provider visits, one of
// parent visits), one met; another unit's short case is in neither the
// supervisor's rows nor their unit's figures; the casework supervisor's
// export gives the unit the same figures; worker rows leave the columns
// empty; the current month (not ended) says so in each cell, never a zero.
// The demo's own visit plans are left out, so the test's are the only ones.
func TestComplianceExportCarriesVisitShortfalls(t *testing.T) {
	h := newHarnessOf(t, func(d *store.Dataset) { d.VisitPlans = nil }, nil)
	u := h.twoUnitsOfOneArea(t)
	h.visitCase(t, "T-A", u.office, u.worker, true, 2, 1, 1,
		[2]string{"child_visit", "2026-10-02"}, [2]string{"parent_visit", "2026-10-09"}, [2]string{"child_visit", "2026-11-02"})
	h.visitCase(t, "T-B", u.office, u.worker, false, 1, 1, 0, [2]string{"child_visit", "2026-10-20"})
	h.visitCase(t, "T-C", u.office, u.worker, false, 1, 0, 4, [2]string{"child_visit", "2026-10-31"}) // in home: owes no provider visit
	h.visitCase(t, "T-OTHER", u.office, u.otherWorker, false, 3, 0, 0)

	sup := h.client(t)
	h.signIn(t, sup, u.supEmail)
	header, rows := h.exportRows(t, sup, "2026-10")
	if got := strings.Join(header[len(header)-len(visitColumns):], ","); got != strings.Join(visitColumns, ",") {
		t.Errorf("the export's last columns: %s, want %s", got, strings.Join(visitColumns, ","))
	}
	figures := func(rows []map[string]string, unit string) string {
		t.Helper()
		var out []string
		for _, r := range rows {
			if r["unit"] != unit {
				continue
			}
			var cells []string
			for _, c := range visitColumns {
				cells = append(cells, r[c])
			}
			if r["level"] == "unit" {
				out = append([]string{strings.Join(cells, ",")}, out...)
			} else if strings.Join(cells, "") != "" {
				t.Errorf("the worker row of %s carries visit figures: %v", r["worker"], cells)
			}
		}
		if len(out) != 1 {
			t.Fatalf("the unit %q has %d unit rows in the export", unit, len(out))
		}
		return out[0]
	}
	const want = "3,2,1,1,1"
	if got := figures(rows, u.unitName); got != want {
		t.Errorf("the supervisor's October: %s, want %s (%s)", got, want, strings.Join(visitColumns, ","))
	}
	for _, r := range rows {
		if r["unit"] != u.unitName {
			t.Errorf("the supervisor's export has a row of %q", r["unit"])
		}
	}

	cws := h.client(t)
	h.signIn(t, cws, u.cwsEmail)
	_, area := h.exportRows(t, cws, "2026-10")
	if got := figures(area, u.unitName); got != want {
		t.Errorf("the casework supervisor's October of the unit: %s, want %s", got, want)
	}
	if got := figures(area, u.otherName); got != "1,1,1,0,0" {
		t.Errorf("the casework supervisor's October of the other unit: %s, want 1,1,1,0,0", got)
	}

	_, nov := h.exportRows(t, sup, "2026-11")
	const notEnded = "not ended yet,not ended yet,not ended yet,not ended yet,not ended yet"
	if got := figures(nov, u.unitName); got != notEnded {
		t.Errorf("November (not ended): %s, want each cell not ended yet", got)
	}
}
