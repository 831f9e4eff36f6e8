package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/web"
)

// The supervisor's monthly review of a worker's visit plans (rule tagged
// visit_review, nj-cpp from 2026-12-01): a worker with a case under a visit
// plan and no review recorded is overdue on the worker page and the unit
// dashboard, whatever visits were made; the supervisor records the month's
// review with a note (an empty note is refused, naming the field); then it
// is due at the end of the next month, and the record is kept and audited.
// The demo's own reviews are left out: the test's worker has none.
func TestWorkerMVRReviewRecordedOnTheWorkerPage(t *testing.T) {
	h := newHarnessOf(t, func(d *store.Dataset) { d.MVRReviews = nil }, func(c *web.Config) {
		c.Now = func() time.Time { return time.Date(2026, 12, 10, 17, 0, 0, 0, time.UTC) }
	})
	ctx := context.Background()
	var caseID, workerID, unitID int64
	var supEmail string
	if err := h.pool.QueryRow(ctx, `
		SELECT a.case_id, a.worker_id, m.unit_id, sp.email FROM case_assignments a
		JOIN unit_members m ON m.worker_id = a.worker_id AND upper_inf(m.during)
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during)
		JOIN people sp ON sp.id = s.supervisor_id
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		WHERE upper_inf(a.during) ORDER BY a.case_id LIMIT 1`).Scan(&caseID, &workerID, &unitID, &supEmail); err != nil {
		t.Fatal(err)
	}
	// The worker's cases: one under a plan from 2026-10-01, the others
	// without (so the anchor is known).
	if _, err := h.pool.Exec(ctx, `DELETE FROM case_mvr WHERE case_id IN (SELECT case_id FROM case_assignments WHERE worker_id = $1)`, workerID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pool.Exec(ctx, `INSERT INTO case_mvr (case_id, from_on, child, parents, provider, set_at) VALUES ($1, '2026-10-01', 1, 0, 0, now())`, caseID); err != nil {
		t.Fatal(err)
	}
	sup := h.client(t)
	h.signIn(t, sup, supEmail)
	page := fmt.Sprintf("/workers/%d", workerID)
	_, body := h.get(t, sup, page)
	if !strings.Contains(body, `data-testid="visit-review"`) || !strings.Contains(body, `data-testid="visit-review-state">overdue`) ||
		!strings.Contains(body, "Cases under a visit plan (MVR) since 2026-10-01") || !strings.Contains(body, "not yet reviewed") {
		t.Fatal("the worker page does not show the review overdue since the plan")
	}
	if strings.Contains(body, "mvr.review_monthly") {
		t.Error("the page names the rule id")
	}
	// The worker's own row of the unit dashboard (the demo's other workers
	// have plans too, and no review in this test).
	row := func(unit string) string {
		i := strings.Index(unit, fmt.Sprintf(`data-worker="%d"`, workerID))
		if i < 0 {
			t.Fatal("the worker has no row on the unit dashboard")
		}
		j := strings.Index(unit[i:], "</tr>")
		return unit[i : i+max(j, 0)]
	}
	_, unit := h.get(t, sup, fmt.Sprintf("/units/%d", unitID))
	if !strings.Contains(row(unit), `data-testid="visit-review-overdue"`) {
		t.Error("the unit dashboard does not show the review overdue")
	}
	code, _, body := h.postForm(t, sup, page+"/mvr-review", url.Values{"note": {"   "}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="review-note-problem"`) {
		t.Fatalf("an empty note: %d; want the page with the message beside the field", code)
	}
	code, loc, _ := h.postForm(t, sup, page+"/mvr-review", url.Values{"note": {"Two child visits short in November; catch-up visits booked."}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?reviewed=1") {
		t.Fatalf("record: %d %s", code, loc)
	}
	_, body = h.get(t, sup, page+"?reviewed=1")
	if !strings.Contains(body, `data-testid="visit-review-state">due</span> <strong>Sun 31 Jan 2027`) || !strings.Contains(body, "last reviewed 2026-12-10") ||
		!strings.Contains(body, "catch-up visits booked") {
		i := strings.Index(body, `data-testid="visit-review"`)
		t.Errorf("after the review the page does not show it met for December: %s", body[i:min(len(body), i+1500)])
	}
	_, unit = h.get(t, sup, fmt.Sprintf("/units/%d", unitID))
	if strings.Contains(row(unit), `data-testid="visit-review-overdue"`) {
		t.Error("the unit dashboard still shows the review overdue")
	}
	var n, audited int
	_ = h.pool.QueryRow(ctx, `SELECT count(*) FROM mvr_reviews WHERE worker_id = $1 AND reviewed_on = '2026-12-10'`, workerID).Scan(&n)
	_ = h.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'mvr_review'`).Scan(&audited)
	if n != 1 || audited != 1 {
		t.Errorf("reviews %d, audited %d (want 1, 1)", n, audited)
	}
	if _, err := h.pool.Exec(ctx, `UPDATE mvr_reviews SET note = 'changed'`); err == nil {
		t.Error("a review was changed: the record must be kept as written")
	}
}
