package browsertest

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casework/casework/internal/demo"
)

// The supervisor's workspace pages render, pass the accessibility check, and
// are photographed: the dashboard, a worker page and a case page.
func TestSupervisorWorkspacePages(t *testing.T) {
	base, pool := serveDemo(t)
	ctx := newBrowser(t)
	email := firstEmail(t, pool, "supervisor")
	signIn(t, ctx, base, email, demo.Password)
	var worker, caseID int64
	if err := pool.QueryRow(context.Background(), `
		SELECT m.worker_id, a.case_id FROM unit_members m
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> DATE '2026-11-23'
		JOIN people sp ON sp.id = s.supervisor_id AND sp.email = $1
		JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> DATE '2026-11-23'
		WHERE m.during @> DATE '2026-11-23' ORDER BY m.worker_id, a.case_id LIMIT 1`, email).Scan(&worker, &caseID); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ path, marker, shot string }{
		{"/unit", `[data-testid="unit-totals"]`, "unit-dashboard"},
		{"/workers/" + itoa64(worker), `[data-testid="agenda"]`, "worker-page"},
		{"/cases/" + itoa64(caseID), `[data-testid="case-obligations"]`, "case-page"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.marker))); err != nil {
			t.Fatalf("%s: %v", p.path, err)
		}
		checkAccessibility(t, ctx, p.path)
		screenshotTop(t, ctx, p.shot)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
