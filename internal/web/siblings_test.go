package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/web"
)

// The supervisor records on the case page that the child has siblings
// placed apart: the page shows it and the weekly sibling visit it owes
// (today 2026-12-10, the version of 2026-12-01 in force), bad dates are
// refused naming the field with the typed dates kept, the case's worker
// cannot record it, and each change is audited.
func TestSiblingsApartOnTheCasePage(t *testing.T) {
	h := newHarnessWith(t, func(c *web.Config) {
		c.Now = func() time.Time { return time.Date(2026, 12, 10, 17, 0, 0, 0, time.UTC) }
	})
	ctx := context.Background()
	var caseID int64
	var supEmail, workerEmail string
	if err := h.pool.QueryRow(ctx, `
		SELECT a.case_id, sp.email, wp.email FROM case_assignments a
		JOIN people wp ON wp.id = a.worker_id
		JOIN unit_members m ON m.worker_id = a.worker_id AND upper_inf(m.during)
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during)
		JOIN people sp ON sp.id = s.supervisor_id
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL AND c.setting = 'out_of_home' AND c.placement_date <= DATE '2026-11-20'
		WHERE upper_inf(a.during) ORDER BY a.case_id LIMIT 1`).Scan(&caseID, &supEmail, &workerEmail); err != nil {
		t.Fatal(err)
	}
	sup := h.client(t)
	h.signIn(t, sup, supEmail)
	page := fmt.Sprintf("/cases/%d", caseID)
	post := page + "/siblings"

	_, body := h.get(t, sup, page)
	if !strings.Contains(body, "None recorded.") || strings.Contains(body, "Weekly sibling visit") {
		t.Fatalf("before: the page shows siblings apart, or a sibling visit owed")
	}
	code, _, body := h.postForm(t, sup, post, url.Values{"start": {"2026-12-05"}, "end": {"2026-12-01"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="siblings-end-problem"`) ||
		!strings.Contains(body, "cannot be together again before they were placed apart") || !strings.Contains(body, `value="2026-12-05"`) {
		t.Fatalf("end before start: %d", code)
	}
	if code, _, body := h.postForm(t, sup, post, url.Values{"start": {"2026-12-11"}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `data-testid="siblings-start-problem"`) || !strings.Contains(body, "cannot be in the future") {
		t.Fatalf("start in the future: %d", code)
	}
	if code, _, body := h.postForm(t, sup, post, url.Values{"start": {"12/01/2026"}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Enter a date as YYYY-MM-DD.") || !strings.Contains(body, `value="12/01/2026"`) {
		t.Fatalf("not a date: %d", code)
	}
	code, loc, _ := h.postForm(t, sup, post, url.Values{"start": {"2026-12-01"}})
	if code != http.StatusSeeOther || loc != page+"?saved=siblings" {
		t.Fatalf("record: %d %s", code, loc)
	}
	_, body = h.get(t, sup, page+"?saved=siblings")
	if !strings.Contains(body, "The siblings placed apart are recorded.") || !strings.Contains(body, "Since Tue 1 Dec 2026, still apart") {
		i := strings.Index(body, "sib-h")
		t.Errorf("the page does not show the siblings placed apart: %s", body[i:min(len(body), i+800)])
	}
	if !strings.Contains(body, `data-rule="visits.sibling_weekly"`) || !strings.Contains(body, "Weekly sibling visit") ||
		!strings.Contains(body, "Siblings placed apart since 2026-12-01") {
		t.Errorf("the page does not show the weekly sibling visit owed")
	}
	// Together again: shown with its end, and owing no more.
	if code, _, _ := h.postForm(t, sup, post, url.Values{"start": {"2026-12-01"}, "end": {"2026-12-09"}}); code != http.StatusSeeOther {
		t.Fatalf("end: %d", code)
	}
	_, body = h.get(t, sup, page)
	if !strings.Contains(body, "(together again)") || strings.Contains(body, "Weekly sibling visit") {
		t.Errorf("siblings together again still owe, or are not shown so")
	}
	var n int
	if err := h.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'siblings_apart' AND entity_id = $1`, fmt.Sprint(caseID)).Scan(&n); err != nil || n != 2 {
		t.Errorf("audit entries: %d (%v), want 2", n, err)
	}
	// The worker sees it but cannot record it.
	w := h.client(t)
	h.signIn(t, w, workerEmail)
	if _, body := h.get(t, w, page); !strings.Contains(body, "(together again)") || strings.Contains(body, `data-testid="record-siblings"`) {
		t.Errorf("the worker's page: no siblings shown, or the form offered")
	}
	if code, _, _ := h.postForm(t, w, post, url.Values{"start": {"2026-12-01"}}); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("the worker recorded siblings apart: %d", code)
	}
}
