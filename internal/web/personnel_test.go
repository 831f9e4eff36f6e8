package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPerformanceNotesStayOnThePersonnelSide(t *testing.T) {
	h := newHarness(t)
	c, _, worker, case1, _, _ := h.draftFixture(t)
	const secret = "Needs coaching on documentation timeliness (note 7731)."
	notes := fmt.Sprintf("/workers/%d/notes", worker)
	if r, _ := h.postBody(t, c, notes, url.Values{"area": {"evaluation"}, "body": {secret}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("file a note: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, c, notes, url.Values{"area": {"gossip"}, "body": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown area: %d", r.StatusCode)
	}
	ctx := context.Background()
	var workerEmail, cwsEmail, otherSup string
	_ = h.pool.QueryRow(ctx, `SELECT email FROM people WHERE id = $1`, worker).Scan(&workerEmail)
	_ = h.pool.QueryRow(ctx, `SELECT p.email FROM supervisor_reports r JOIN people p ON p.id = r.casework_supervisor_id
		WHERE r.supervisor_id = (SELECT id FROM people WHERE role = 'supervisor' ORDER BY id LIMIT 1)`).Scan(&cwsEmail)
	_ = h.pool.QueryRow(ctx, `SELECT email FROM people WHERE role = 'supervisor' ORDER BY id OFFSET 7 LIMIT 1`).Scan(&otherSup)
	for _, who := range []struct {
		email string
		sees  bool
	}{{workerEmail, true}, {cwsEmail, true}, {otherSup, false}} {
		cl := h.client(t)
		h.signIn(t, cl, who.email)
		r, body := h.get(t, cl, notes)
		if who.sees != (r.StatusCode == http.StatusOK && strings.Contains(body, "note 7731")) {
			t.Errorf("notes as %s: %d, want seen=%v", who.email, r.StatusCode, who.sees)
		}
	}
	// Never with the case: not on the case page, the worker page, nor in the audit log.
	for _, p := range []string{fmt.Sprintf("/cases/%d", case1), fmt.Sprintf("/workers/%d", worker)} {
		if _, body := h.get(t, c, p); strings.Contains(body, "note 7731") {
			t.Errorf("the performance note shows on %s", p)
		}
	}
	var leaks int
	if err := h.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE detail::text LIKE '%7731%'`).Scan(&leaks); err != nil || leaks != 0 {
		t.Errorf("the note's text is in the audit log (%d, %v)", leaks, err)
	}
}

func TestApproveContactsOneByOneAndInBulk(t *testing.T) {
	h := newHarness(t)
	c, _, worker, _, _, _ := h.draftFixture(t)
	ctx := context.Background()
	// Awaiting approval: a visit or collateral contact whose own approval is
	// pending (a contact-sheet approval of its case does not approve it).
	pending := func() []int64 {
		rows, _ := h.pool.Query(ctx, `SELECT e.id FROM events e JOIN case_assignments a ON a.case_id = e.case_id AND upper_inf(a.during)
			WHERE a.worker_id = $1 AND e.kind IN ('child_visit', 'parent_visit', 'sibling_visit', 'provider_visit', 'collateral_contact')
			  AND e.occurred_on <= DATE '2026-11-23' AND e.approval = 'pending'
			ORDER BY e.id`, worker)
		var ids []int64
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		return ids
	}
	before := pending()
	if len(before) < 3 {
		// Make some: the demo may have approved this worker's contacts already.
		if _, err := h.pool.Exec(ctx, `UPDATE events SET approval = 'pending' WHERE kind IN ('child_visit', 'parent_visit') AND case_id IN (
			SELECT a.case_id FROM case_assignments a WHERE a.worker_id = $1 AND upper_inf(a.during))`, worker); err != nil {
			t.Fatal(err)
		}
		before = pending()
	}
	path := fmt.Sprintf("/workers/%d/contacts/approve", worker)
	r, _ := h.postBody(t, c, path, url.Values{"event": {fmt.Sprint(before[1]), fmt.Sprint(before[2])}, "only": {fmt.Sprint(before[0])}})
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "approved=1") {
		t.Fatalf("one by one: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	r, _ = h.postBody(t, c, path, url.Values{"event": {fmt.Sprint(before[1]), fmt.Sprint(before[2])}})
	if !strings.Contains(r.Header.Get("Location"), "approved=2") {
		t.Fatalf("in bulk: %s", r.Header.Get("Location"))
	}
	if after := pending(); len(after) != len(before)-3 {
		t.Fatalf("pending: %d before, %d after, want 3 fewer", len(before), len(after))
	}
	// A contact sheet is approved today exactly on the cases touched that
	// have no contact left pending.
	var wrong int
	if err := h.pool.QueryRow(ctx, `
		SELECT count(*) FROM (SELECT DISTINCT case_id FROM events WHERE id = ANY($1)) t
		WHERE EXISTS (SELECT 1 FROM events s WHERE s.case_id = t.case_id AND s.kind = 'contact_sheet_approved' AND s.occurred_on = DATE '2026-11-23')
		    = EXISTS (SELECT 1 FROM events p WHERE p.case_id = t.case_id AND p.approval = 'pending' AND p.occurred_on <= DATE '2026-11-23'
		              AND p.kind IN ('child_visit', 'parent_visit', 'sibling_visit', 'provider_visit', 'collateral_contact'))`, before[:3]).Scan(&wrong); err != nil || wrong != 0 {
		t.Fatalf("%d cases with a contact-sheet approval recorded today while a contact is pending, or none with none pending (%v)", wrong, err)
	}
}

func TestFlagACaseForTheCaseworkSupervisor(t *testing.T) {
	h := newHarness(t)
	c, _, _, case1, _, foreign := h.draftFixture(t)
	if r, _ := h.postBody(t, c, fmt.Sprintf("/cases/%d/flag", case1), url.Values{"reason": {"disagreement_on_risk"}, "details": {"We differ on the level."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("flag: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, c, fmt.Sprintf("/cases/%d/flag", case1), url.Values{"reason": {"boredom"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown reason: %d", r.StatusCode)
	}
	// No grave default: the page offers no reason and no level chosen; one
	// not chosen, or an empty explanation, is refused beside its field with
	// what was typed kept.
	_, page := h.get(t, c, fmt.Sprintf("/cases/%d", case1))
	if !strings.Contains(page, `<option value="" selected>Choose the reason</option>`) || !strings.Contains(page, `<option value="" selected>Choose a level</option>`) {
		t.Error("the emergent reason or the risk level starts on a value")
	}
	r, body := h.postBody(t, c, fmt.Sprintf("/cases/%d/flag", case1), url.Values{"reason": {""}, "details": {"Typed, no reason chosen."}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="reason-problem"`) || !strings.Contains(body, "Typed, no reason chosen.") {
		t.Fatalf("no reason chosen: %d", r.StatusCode)
	}
	r, body = h.postBody(t, c, fmt.Sprintf("/cases/%d/flag", case1), url.Values{"reason": {"critical_incident"}, "details": {"  "}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="details-problem"`) || !strings.Contains(body, `value="critical_incident" selected`) {
		t.Fatalf("empty explanation: %d", r.StatusCode)
	}
	if r, body := h.postBody(t, c, fmt.Sprintf("/cases/%d/risk", case1), url.Values{"level": {""}, "on": {"2026-11-20"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="level-problem"`) {
		t.Fatalf("no risk level chosen: %d", r.StatusCode)
	}
	if r, _ := h.postBody(t, c, fmt.Sprintf("/cases/%d/flag", foreign), url.Values{"reason": {"critical_incident"}}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("another unit's case: %d", r.StatusCode)
	}
	var n int
	if err := h.pool.QueryRow(context.Background(), `SELECT count(*) FROM emergent_requests r JOIN supervisor_reports s
		ON s.supervisor_id = r.requested_by AND s.casework_supervisor_id = r.casework_supervisor_id
		WHERE r.case_id = $1 AND r.reason = 'disagreement_on_risk'`, case1).Scan(&n); err != nil || n != 1 {
		t.Fatalf("request to the right casework supervisor: %d %v", n, err)
	}
}
