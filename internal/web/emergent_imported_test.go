package web_test

import (
	"context"
	"strings"
	"testing"
)

// A request imported from a facts file, which says neither why it was asked
// nor (here) who asked, shows on the casework supervisor's area with words
// for both, never the stored code.
func TestImportedEmergentRequestOnTheArea(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var cws int64
	var cwsEmail string
	if err := h.pool.QueryRow(ctx, `SELECT p.id, p.email FROM people p
		JOIN supervisor_reports r ON r.casework_supervisor_id = p.id AND upper_inf(r.during)
		ORDER BY p.id LIMIT 1`).Scan(&cws, &cwsEmail); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(ctx, `INSERT INTO emergent_requests (source_id, casework_supervisor_id, reason, requested_at)
		VALUES ('e-77', $1, 'imported', TIMESTAMPTZ '2026-11-20 12:00 America/New_York')`, cws); err != nil {
		t.Fatal(err)
	}
	c := h.client(t)
	h.signIn(t, c, cwsEmail)
	_, area := h.get(t, c, "/area")
	for _, want := range []string{"Imported from a facts file (the reason was not recorded)", "(who asked was not recorded)"} {
		if !strings.Contains(area, want) {
			t.Errorf("the area does not say %q", want)
		}
	}
	if strings.Contains(area, ">imported<") || strings.Contains(area, "e-77") {
		t.Error("the area shows the stored reason code or the file's id")
	}
}
