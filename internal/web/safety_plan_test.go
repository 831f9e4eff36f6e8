package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The supervisor records a case's Safety Protection Plan on the case page:
// the page shows it and what it owes (the weekly conference), bad dates are
// refused with a message naming the field and the typed dates kept, the
// case's worker cannot record it, and the change is audited.
func TestSafetyPlanOnTheCasePage(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var caseID int64
	var supEmail, workerEmail string
	if err := h.pool.QueryRow(ctx, `
		SELECT a.case_id, sp.email, wp.email FROM case_assignments a
		JOIN people wp ON wp.id = a.worker_id
		JOIN unit_members m ON m.worker_id = a.worker_id AND upper_inf(m.during)
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during)
		JOIN people sp ON sp.id = s.supervisor_id
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL AND c.safety_plan_start IS NULL
		WHERE upper_inf(a.during) ORDER BY a.case_id LIMIT 1`).Scan(&caseID, &supEmail, &workerEmail); err != nil {
		t.Fatal(err)
	}
	sup := h.client(t)
	h.signIn(t, sup, supEmail)
	page := fmt.Sprintf("/cases/%d", caseID)
	post := page + "/safety-plan"

	code, _, body := h.postForm(t, sup, post, url.Values{"start": {"2026-11-20"}, "end": {"2026-11-10"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="plan-end-problem"`) ||
		!strings.Contains(body, "cannot be satisfied before it took effect") || !strings.Contains(body, `value="2026-11-20"`) {
		t.Fatalf("end before start: %d", code)
	}
	if code, _, body := h.postForm(t, sup, post, url.Values{"start": {"2026-11-30"}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `data-testid="plan-start-problem"`) {
		t.Fatalf("start in the future: %d", code)
	}
	code, loc, _ := h.postForm(t, sup, post, url.Values{"start": {"2026-11-16"}})
	if code != http.StatusSeeOther || loc != page+"?saved=plan" {
		t.Fatalf("record: %d %s", code, loc)
	}
	_, body = h.get(t, sup, page)
	if !strings.Contains(body, "not yet satisfied: conferenced at least weekly") {
		t.Errorf("the page does not show the plan in force")
	}
	if !strings.Contains(body, "Safety Protection Plan conferenced weekly") {
		t.Errorf("the page does not show the weekly conference owed")
	}
	// Satisfied: the plan is shown with its end, and owes no more.
	if code, _, _ := h.postForm(t, sup, post, url.Values{"start": {"2026-11-16"}, "end": {"2026-11-22"}}); code != http.StatusSeeOther {
		t.Fatalf("end: %d", code)
	}
	_, body = h.get(t, sup, page)
	if !strings.Contains(body, "(satisfied)") || strings.Contains(body, "Safety Protection Plan conferenced weekly") {
		t.Errorf("a satisfied plan still owes, or is not shown as satisfied")
	}
	var n int
	if err := h.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'safety_plan' AND entity_id = $1`, fmt.Sprint(caseID)).Scan(&n); err != nil || n != 2 {
		t.Errorf("audit entries: %d (%v), want 2", n, err)
	}
	// The worker sees the plan but cannot record one.
	w := h.client(t)
	h.signIn(t, w, workerEmail)
	if code, _, _ := h.postForm(t, w, post, url.Values{"start": {"2026-11-16"}}); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("the worker recorded a plan: %d", code)
	}
}
