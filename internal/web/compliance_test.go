package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
)

// The month's CSV holds the viewer's units only: the supervisor's own, the
// casework supervisor's area; a worker gets nothing.
func TestComplianceExportStaysInScope(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	unitsOf := func(sql, email string) map[string]bool {
		rows, err := h.pool.Query(ctx, sql, email)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for rows.Next() {
			var n string
			_ = rows.Scan(&n)
			out[n] = true
		}
		return out
	}
	for _, who := range []struct{ role, sql string }{
		{"supervisor", `SELECT u.name FROM unit_supervisors s JOIN units u ON u.id = s.unit_id JOIN people p ON p.id = s.supervisor_id
			WHERE upper_inf(s.during) AND p.email = $1`},
		{"casework_supervisor", `SELECT u.name FROM supervisor_reports r JOIN unit_supervisors s ON s.supervisor_id = r.supervisor_id AND upper_inf(s.during)
			JOIN units u ON u.id = s.unit_id JOIN people p ON p.id = r.casework_supervisor_id WHERE upper_inf(r.during) AND p.email = $1`},
	} {
		email := h.email(t, who.role)
		c := h.client(t)
		h.signIn(t, c, email)
		r, body := h.get(t, c, "/exports/compliance.csv?month=2026-10")
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%s export: %d", who.role, r.StatusCode)
		}
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(recs) < 3 {
			t.Fatalf("%s export: %d records, %v", who.role, len(recs), err)
		}
		want := unitsOf(who.sql, email)
		seen := map[string]bool{}
		for _, rec := range recs[1:] {
			if !want[rec[2]] {
				t.Errorf("%s export names unit %q outside their scope", who.role, rec[2])
			}
			if rec[1] == "unit" {
				seen[rec[2]] = true
			}
		}
		if len(seen) != len(want) {
			t.Errorf("%s export: unit rows %v, want %v", who.role, seen, want)
		}
	}
	c := h.client(t)
	h.signIn(t, c, h.email(t, "worker"))
	if r, _ := h.get(t, c, "/exports/compliance.csv?month=2026-10"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("worker export: %d", r.StatusCode)
	}
	c = h.client(t)
	h.signIn(t, c, h.email(t, "supervisor"))
	for _, bad := range []string{"2026-13", "next", "2027-01"} {
		if r, _ := h.get(t, c, "/exports/compliance.csv?month="+bad); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("month=%s: %d", bad, r.StatusCode)
		}
	}
}

func TestTrendsPage(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	h.signIn(t, c, h.email(t, "casework_supervisor"))
	r, body := h.get(t, c, "/area/trends")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("trends: %d", r.StatusCode)
	}
	charts := strings.Count(body, `data-testid="trend-chart"`)
	tables := strings.Count(body, `data-testid="trend-table"`)
	if charts == 0 || charts != tables || strings.Count(body, `<path class="series s`) != 3*charts {
		t.Fatalf("%d charts, %d tables", charts, tables)
	}
	// A month with nothing owed (the demo's months without an escalation)
	// reads "nothing owed", never "100% 0 of 0".
	if !strings.Contains(body, `— <span class="why">nothing owed</span>`) || strings.Contains(body, ` of 0</span>`) {
		t.Error("a month with nothing owed does not read nothing owed, or reads as a rate of 0 of 0")
	}
	// Twelve months a unit, December 2025 to November 2026.
	if !strings.Contains(body, "December 2025") || !strings.Contains(body, "November 2026") || strings.Contains(body, "November 2025") {
		t.Error("the months shown are not the last twelve")
	}
}
