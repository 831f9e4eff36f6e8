package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/casework/casework/internal/store"
)

// areaRateCells are the two rates of a unit's line on /area (workers
// conferenced on time, cases discussed this month), as they read.
var areaRateCells = regexp.MustCompile(`<td class="num(?: nothing-owed)?">(.*?)</td>`)

// areaLine is the unit's line of the area dashboard.
func areaLine(t *testing.T, body string, unit int64) string {
	t.Helper()
	at := strings.Index(body, fmt.Sprintf(`<th scope="row"><a href="/units/%d">`, unit))
	if at < 0 {
		t.Fatalf("unit %d has no line on /area", unit)
	}
	line := body[at:]
	return line[:strings.Index(line, "</tr>")]
}

// A unit owing nothing (its workers hold no open case: no conference owed,
// no case to discuss) reads "— nothing owed" in both rates of its line on
// /area, the trends' words, never "100%" or "0 of 0"; the other unit of the
// area still reads percentages. Its trends read nothing owed for cases
// discussed in every month. The worker page and the new conference
// page of one of its workers read "no open case assigned — nothing owed",
// never "0 of 0 cases discussed — the whole caseload is covered".
func TestNothingOwedReadsNothingOwed(t *testing.T) {
	// Without the demo's visit plans: twoUnitsOfOneArea asks it (they
	// play no part here).
	h := newHarnessOf(t, func(d *store.Dataset) { d.VisitPlans = nil }, nil)
	u := h.twoUnitsOfOneArea(t)
	ctx := context.Background()
	// Every case the other unit's workers hold, or held, is taken from them.
	tag, err := h.pool.Exec(ctx, `
		DELETE FROM case_assignments WHERE worker_id IN (
		    SELECT worker_id FROM unit_members WHERE unit_id = $1 AND during @> DATE '2026-11-23')`, u.other)
	if err != nil {
		t.Fatal(err)
	}
	if tag.RowsAffected() == 0 {
		t.Fatalf("the other unit's workers held no case: the test would show nothing")
	}
	cws := h.client(t)
	h.signIn(t, cws, u.cwsEmail)
	resp, body := h.get(t, cws, "/area")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/area: %d", resp.StatusCode)
	}
	rates := func(unit int64) []string {
		t.Helper()
		var out []string
		for _, m := range areaRateCells.FindAllStringSubmatch(areaLine(t, body, unit), 2) {
			out = append(out, m[1])
		}
		if len(out) != 2 {
			t.Fatalf("unit %d's line has %d rate cells: %q", unit, len(out), out)
		}
		return out
	}
	for i, c := range rates(u.other) {
		if c != `— <span class="why">nothing owed</span>` {
			t.Errorf("the unit owing nothing, rate %d: %q, want nothing owed", i+1, c)
		}
	}
	if line := areaLine(t, body, u.other); strings.Contains(line, "%") || strings.Contains(line, "0 of 0") {
		t.Errorf("the unit owing nothing reads as a percentage: %s", line)
	}
	pct := regexp.MustCompile(`^\d+% <span class="why">\d+ of [1-9]\d*</span>$`)
	for i, c := range rates(u.unit) {
		if !pct.MatchString(c) {
			t.Errorf("the unit owing, rate %d: %q, want a percentage of what is owed", i+1, c)
		}
	}

	// The unit's own trends (its supervisor's /unit/trends): no case held
	// in any month, so each month's cases discussed reads nothing owed,
	// never a percentage of 0.
	sup := h.client(t)
	h.signIn(t, sup, u.otherSup)
	resp, body = h.get(t, sup, "/unit/trends")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/unit/trends: %d", resp.StatusCode)
	}
	if n := strings.Count(body, `<td class="num nothing-owed">— <span class="why">nothing owed</span></td>`); n < 12 || strings.Contains(body, " of 0</span>") {
		t.Errorf("/unit/trends of the unit owing nothing: %d months read nothing owed (want at least the 12 of cases discussed), or one reads a rate of 0", n)
	}

	// The worker page (the casework supervisor's view) and the new
	// conference page (the worker's supervisor's).
	coverage := regexp.MustCompile(`(?s)data-testid="coverage">(.*?)</p>`)
	for _, p := range []struct {
		c    *http.Client
		path string
	}{{cws, fmt.Sprintf("/workers/%d", u.otherWorker)}, {sup, fmt.Sprintf("/workers/%d/conferences/new", u.otherWorker)}} {
		resp, body := h.get(t, p.c, p.path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", p.path, resp.StatusCode)
		}
		m := coverage.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s has no coverage", p.path)
		}
		got := strings.Join(strings.Fields(m[1]), " ")
		if got != "This month: no open case assigned — nothing owed." {
			t.Errorf("%s: coverage reads %q, want nothing owed", p.path, got)
		}
	}
}
