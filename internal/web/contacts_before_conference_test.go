package web_test

import (
	"context"
	"strings"
	"testing"
)

// Contact sheets are reviewed before the case is conferenced: the
// conference record shows, per case, the contacts not yet approved, and
// nothing for a case whose contacts are all approved.
func TestConferenceShowsContactsNotYetApproved(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// The fixture's first case, before the draft is read: two pending
	// contacts, everything else of it approved.
	c, path, _, case1, _, _ := h.draftFixture(t)
	if _, err := h.pool.Exec(ctx, `UPDATE events SET approval = 'approved' WHERE case_id = $1 AND approval = 'pending'`, case1); err != nil {
		t.Fatal(err)
	}
	_, page := h.get(t, c, path)
	if strings.Contains(page, `data-testid="pending-contacts"`) {
		t.Fatal("a case with every contact approved shows contacts awaiting approval")
	}
	if _, err := h.pool.Exec(ctx, `
		INSERT INTO events (case_id, kind, occurred_on, recorded_at, documented_on, approval)
		VALUES ($1, 'child_visit', DATE '2026-11-18', now(), DATE '2026-11-18', 'pending'),
		       ($1, 'parent_visit', DATE '2026-11-19', now(), DATE '2026-11-19', 'pending')`, case1); err != nil {
		t.Fatal(err)
	}
	_, page = h.get(t, c, path)
	if !strings.Contains(page, `data-testid="pending-contacts"`) || !strings.Contains(page, "2 contacts not yet approved: review the contact sheets before conferencing the case.") {
		t.Error("the conference record does not show the case's 2 contacts not yet approved")
	}
}
