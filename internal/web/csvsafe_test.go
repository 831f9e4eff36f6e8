package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
)

// A worker renamed to a formula is exported as text: the cell begins with a
// quote, so a spreadsheet does not run it (OWASP CSV injection).
func TestComplianceExportNeutralisesFormulas(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	email := h.email(t, "supervisor")
	formulas := []string{`=HYPERLINK("http://evil.example","x")`, "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"}
	// Rename workers of the supervisor's unit, one per formula.
	tag, err := h.pool.Exec(ctx, `
		WITH w AS (
		    SELECT m.worker_id, row_number() OVER (ORDER BY m.worker_id) AS n
		    FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during)
		    JOIN people p ON p.id = s.supervisor_id
		    WHERE p.email = $1 AND upper_inf(m.during))
		UPDATE people SET full_name = ($2::text[])[w.n] FROM w WHERE people.id = w.worker_id AND w.n <= cardinality($2::text[])`,
		email, formulas)
	if err != nil || tag.RowsAffected() < 2 {
		t.Fatalf("renaming workers: %v (%d)", err, tag.RowsAffected())
	}
	c := h.client(t)
	h.signIn(t, c, email)
	r, body := h.get(t, c, "/exports/compliance.csv?month=2026-10")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", r.StatusCode)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("a cell a spreadsheet would run: %q", cell)
			}
		}
		for _, f := range formulas {
			if rec[3] == "'"+f {
				found++
			}
		}
	}
	if found != int(tag.RowsAffected()) {
		t.Errorf("%d renamed workers exported as quoted text, want %d", found, tag.RowsAffected())
	}
}
