package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A supervisor sees who accessed a case in their unit; the worker does not
// see that list; an administrator finds the same accesses in the log.
func TestWhoAccessedACase(t *testing.T) {
	h := newHarness(t)
	c, _, worker, case1, _, _ := h.draftFixture(t)
	var workerEmail, workerName string
	_ = h.pool.QueryRow(t.Context(), `SELECT email, full_name FROM people WHERE id = $1`, worker).Scan(&workerEmail, &workerName)
	wc := h.client(t)
	h.signIn(t, wc, workerEmail)
	casePath := fmt.Sprintf("/cases/%d", case1)
	r, body := h.get(t, wc, casePath)
	if r.StatusCode != http.StatusOK || strings.Contains(body, `data-testid="access-log"`) {
		t.Fatalf("worker's case page: %d, access list shown=%v", r.StatusCode, strings.Contains(body, `data-testid="access-log"`))
	}
	_, body = h.get(t, c, casePath)
	if !strings.Contains(body, `data-testid="access-log"`) || !strings.Contains(body, workerName) {
		t.Fatal("the supervisor does not see that the worker viewed the case")
	}
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	r, body = h.get(t, admin, "/admin/audit?"+url.Values{"email": {workerEmail}, "entity": {"case"}, "entity_id": {fmt.Sprint(case1)}}.Encode())
	if r.StatusCode != http.StatusOK || !strings.Contains(body, workerName) || strings.Count(body, "<tr>") < 2 {
		t.Fatalf("admin search: %d", r.StatusCode)
	}
	if r, _ := h.get(t, admin, "/admin/audit?from=yesterday"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad date: %d", r.StatusCode)
	}
	if r, _ := h.get(t, c, "/admin/audit"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("a supervisor searches the log: %d", r.StatusCode)
	}
}
