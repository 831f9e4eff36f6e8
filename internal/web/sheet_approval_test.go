package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/casework/casework/internal/rules"
)

// A contact sheet approval recorded by hand on the case page counts only
// when every contact of the case up to its date was approved by then. The
// page says so plainly: recorded with contacts still awaiting approval, it
// says the approval is kept but does not count, how many contacts stop it
// and where to approve them; recorded after they are approved, it says it
// counts; backdated to before their approval, it says they were approved
// only after it. Never "recorded" alone, never an internal name.
func TestCasePageSaysWhenASheetApprovalDoesNotCount(t *testing.T) {
	h := newHarness(t) // today 2026-11-23
	ctx := context.Background()
	kinds := rules.ContactKinds()
	var caseID, workerID int64
	var supEmail string
	if err := h.pool.QueryRow(ctx, `
		SELECT a.case_id, a.worker_id, sp.email FROM case_assignments a
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> DATE '2026-11-23'
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> DATE '2026-11-23'
		JOIN people sp ON sp.id = s.supervisor_id
		WHERE a.during @> DATE '2026-11-23' AND EXISTS (SELECT 1 FROM events e WHERE e.case_id = a.case_id
		      AND e.kind = ANY($1) AND e.approval = 'pending' AND e.occurred_on <= DATE '2026-11-20')
		ORDER BY a.case_id LIMIT 1`, kinds).Scan(&caseID, &workerID, &supEmail); err != nil {
		t.Fatal(err)
	}
	pendingUpTo := func(day string) (ids []string) {
		t.Helper()
		rows, err := h.pool.Query(ctx, `SELECT id FROM events WHERE case_id = $1 AND kind = ANY($2) AND approval = 'pending' AND occurred_on <= $3::date ORDER BY id`,
			caseID, kinds, day)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		return ids
	}
	sup := h.client(t)
	h.signIn(t, sup, supEmail)
	page := fmt.Sprintf("/cases/%d", caseID)
	record := func(day string) string {
		t.Helper()
		code, loc, _ := h.postForm(t, sup, page+"/events", url.Values{"kind": {rules.EventContactSheetApproved}, "on": {day}})
		if code != http.StatusSeeOther || loc != page+"?saved=sheet&on="+day {
			t.Fatalf("record a sheet approval of %s: %d %s", day, code, loc)
		}
		r, body := h.get(t, sup, loc)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", loc, r.StatusCode)
		}
		return body
	}

	// With contacts still awaiting approval: kept, but said not to count.
	pending := pendingUpTo("2026-11-23")
	body := record("2026-11-23")
	notice := func(body string) string {
		i := strings.Index(body, `data-testid="sheet-not-counted"`)
		if i < 0 {
			return ""
		}
		return body[i : i+strings.Index(body[i:], "</div>")]
	}
	n := notice(body)
	if n == "" || strings.Contains(body, `data-testid="saved"`) {
		t.Fatal("a sheet approval with contacts awaiting approval is not said to be uncounted, or is said to be recorded only")
	}
	want := fmt.Sprintf("%d contact%s of this case dated on or before that day %s still awaiting approval.", len(pending),
		map[bool]string{true: "", false: "s"}[len(pending) == 1], map[bool]string{true: "was", false: "were"}[len(pending) == 1])
	if !strings.Contains(n, "The contact sheet approval of Mon 23 Nov 2026 is recorded, but it does not count.") || !strings.Contains(n, want) ||
		!strings.Contains(n, fmt.Sprintf(`href="/workers/%d?show=contacts"`, workerID)) {
		t.Errorf("the notice does not say why (want %q and the link to approve them):\n%s", want, n)
	}
	if strings.Contains(n, rules.EventContactSheetApproved) || strings.Contains(n, "contacts.approval") {
		t.Errorf("the notice names an internal name: %s", n)
	}
	var kept int
	if err := h.pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE case_id = $1 AND kind = $2 AND occurred_on = DATE '2026-11-23' AND recorded_by IS NOT NULL`,
		caseID, rules.EventContactSheetApproved).Scan(&kept); err != nil || kept == 0 {
		t.Errorf("the approval recorded is not kept (%d, %v)", kept, err)
	}

	// The contacts approved on the worker page today: a sheet approval of
	// today counts.
	code, _, _ := h.postForm(t, sup, fmt.Sprintf("/workers/%d/contacts/approve", workerID), url.Values{"event": pending})
	if code != http.StatusSeeOther {
		t.Fatalf("approve the contacts: %d", code)
	}
	if left := pendingUpTo("2026-11-23"); len(left) != 0 {
		t.Fatalf("contacts still awaiting approval: %v", left)
	}
	body = record("2026-11-23")
	if notice(body) != "" || !strings.Contains(body, "The contact sheet approval of Mon 23 Nov 2026 is recorded, and it counts: every contact of this case up to that day was approved by then.") {
		t.Error("a sheet approval after every contact was approved is not said to count")
	}

	// Backdated to before the contacts' approval: they were approved only
	// after it, so it does not count, and the page says so.
	var later int
	if err := h.pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE case_id = $1 AND kind = ANY($2) AND occurred_on <= DATE '2026-11-20' AND approved_on > DATE '2026-11-20'`,
		caseID, kinds).Scan(&later); err != nil || later == 0 {
		t.Fatalf("%d contacts up to 2026-11-20 approved after it (%v)", later, err)
	}
	n = notice(record("2026-11-20"))
	want = fmt.Sprintf("%d contact%s dated on or before that day %s approved only after it.", later,
		map[bool]string{true: "", false: "s"}[later == 1], map[bool]string{true: "was", false: "were"}[later == 1])
	if !strings.Contains(n, "The contact sheet approval of Fri 20 Nov 2026 is recorded, but it does not count.") || !strings.Contains(n, want) ||
		strings.Contains(n, "still awaiting approval") {
		t.Errorf("a backdated sheet approval: the notice does not say the contacts were approved after it (want %q):\n%s", want, n)
	}

	// Another kind of event reads as before.
	code, loc, _ := h.postForm(t, sup, page+"/events", url.Values{"kind": {"collateral_contact"}, "on": {"2026-11-23"}})
	if code != http.StatusSeeOther || loc != page+"?saved=event" {
		t.Fatalf("record a collateral contact: %d %s", code, loc)
	}
	if _, body := h.get(t, sup, loc); !strings.Contains(body, `data-testid="saved">The event is recorded.`) {
		t.Error("another event is not said to be recorded")
	}
}
