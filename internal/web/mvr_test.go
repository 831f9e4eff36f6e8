package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The supervisor sets a case's visit plan (MVR) on the case page: bad counts
// are refused naming the field with the typed values kept; a plan is kept
// from its date (a change is a new row, the earlier kept), the first one
// records that the schedule was established, and each is audited.
func TestVisitPlanOnTheCasePage(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var caseID int64
	var supEmail string
	if err := h.pool.QueryRow(ctx, `
		SELECT a.case_id, sp.email FROM case_assignments a
		JOIN unit_members m ON m.worker_id = a.worker_id AND upper_inf(m.during)
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during)
		JOIN people sp ON sp.id = s.supervisor_id
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		WHERE upper_inf(a.during) AND NOT EXISTS (SELECT 1 FROM case_mvr WHERE case_id = a.case_id)
		ORDER BY a.case_id LIMIT 1`).Scan(&caseID, &supEmail); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(ctx, `DELETE FROM events WHERE case_id = $1 AND kind = 'mvr_established'`, caseID); err != nil {
		t.Fatal(err)
	}
	sup := h.client(t)
	h.signIn(t, sup, supEmail)
	page := fmt.Sprintf("/cases/%d", caseID)
	code, _, body := h.postForm(t, sup, page+"/mvr", url.Values{"from": {"2026-11-02"}, "child": {"2"}, "parents": {"many"}, "provider": {"40"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="mvr-parents-problem"`) ||
		!strings.Contains(body, `data-testid="mvr-provider-problem"`) || !strings.Contains(body, `value="many"`) {
		t.Fatalf("bad counts: %d", code)
	}
	for _, f := range []url.Values{
		{"from": {"2026-11-02"}, "child": {"2"}, "parents": {"1"}, "provider": {"1"}},
		{"from": {"2026-11-16"}, "child": {"4"}, "parents": {"2"}, "provider": {"1"}},
	} {
		if code, loc, _ := h.postForm(t, sup, page+"/mvr", f); code != http.StatusSeeOther || loc != page+"?saved=mvr" {
			t.Fatalf("set %v: %d %s", f, code, loc)
		}
	}
	_, body = h.get(t, sup, page)
	if !strings.Contains(body, "4 a month with the child, 2 with the parents, 1 with the placement provider") ||
		!strings.Contains(body, "2 a month with the child, 1 with the parents") {
		t.Error("the page does not show the visit plan and the one before it")
	}
	var plans, established, audited int
	_ = h.pool.QueryRow(ctx, `SELECT count(*) FROM case_mvr WHERE case_id = $1`, caseID).Scan(&plans)
	_ = h.pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE case_id = $1 AND kind = 'mvr_established' AND occurred_on = '2026-11-02'`, caseID).Scan(&established)
	_ = h.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'visit_plan'`).Scan(&audited)
	if plans != 2 || established != 1 || audited != 2 {
		t.Errorf("plans %d (want 2), mvr_established on the first's date %d (want 1), audited %d (want 2)", plans, established, audited)
	}
}
