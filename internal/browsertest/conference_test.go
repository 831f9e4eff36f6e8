package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/casework/casework/internal/demo"
)

// text returns the trimmed text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// The flow, as a supervisor of the demo agency (clock: Mon
// 2026-11-23): open the dashboard, log a conference for a first-year worker
// covering the proposed cases, sign and share it, and see the worker's due
// date and the cases' states change on the dashboard; then record a high
// risk level and see the one-day report appear.
func TestSupervisorLogsAConference(t *testing.T) {
	base, pool := serveDemo(t)
	ctx := newBrowser(t)
	email := firstEmail(t, pool, "supervisor")
	// A first-year worker of this supervisor's unit.
	var worker int64
	var name string
	if err := pool.QueryRow(context.Background(), `
		SELECT p.id, p.full_name FROM unit_members m
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> DATE '2026-11-23'
		JOIN people sp ON sp.id = s.supervisor_id AND sp.email = $1
		JOIN people p ON p.id = m.worker_id
		WHERE m.during @> DATE '2026-11-23' AND p.experience_start > DATE '2025-11-23'
		ORDER BY p.id LIMIT 1`, email).Scan(&worker, &name); err != nil {
		t.Fatal(err)
	}
	w := strconv.FormatInt(worker, 10)
	row := `tr[data-worker="` + w + `"]`
	signIn(t, ctx, base, email, demo.Password)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/unit"), chromedp.WaitVisible(chromedp.CSS(row))); err != nil {
		t.Fatal(err)
	}
	dueBefore := text(t, ctx, row+` [data-testid="next-conference"]`)
	undiscussedBefore, _ := strconv.Atoi(text(t, ctx, row+` [data-testid="undiscussed"]`))

	// Start from the worker: the proposed agenda comes checked.
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/workers/"+w),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="start-conference"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="start-conference"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="create-conference"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "new conference")
	proposed, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="agenda-case"]:checked').length`))
	if err != nil || proposed == 0 {
		t.Fatalf("no proposed case checked (%d, %v)", proposed, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="create-conference"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="save-draft"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="discussed-case"]').length`)); n != proposed {
		t.Fatalf("the draft discusses %d cases, %d were proposed", n, proposed)
	}
	// Write the discussion of the first case, save without JavaScript's help.
	// The other topics of every case are answered too (a case counts as
	// discussed only then): one marked "does not apply", the rest written.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`[data-testid="discussed-case"] textarea`), "Safety plan in place; school attendance improving."),
		chromedp.Evaluate[chromedp.Void](`(() => {
			for (const t of document.querySelectorAll('[data-testid="discussed-case"] textarea')) {
				if (!t.value && !t.name.endsWith('-notes')) t.value = 'Reviewed with the worker.';
			}
			const court = document.querySelector('[data-testid="discussed-case"] input[name$="-court-na"]');
			court.checked = true;
			document.getElementById(court.name.replace(/-na$/, '')).value = '';
		})()`),
		chromedp.Click(chromedp.CSS(`[data-testid="save-draft"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitURL(t, ctx, "saved=1")
	if got := text(t, ctx, `#save-status`); got != "Saved." {
		t.Fatalf("after saving: %q", got)
	}
	checkAccessibility(t, ctx, "conference form")
	screenshotTop(t, ctx, "conference-form")
	kept, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`[data-testid="discussed-case"] textarea`)))
	if !strings.Contains(kept, "Safety plan in place") {
		t.Fatalf("the saved text is not in the form: %q", kept)
	}
	// Type and sign at once, before any automatic save: the signed record
	// holds what was typed (the confirmation dialog is the browser's; the
	// test answers yes to it). Then share.
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		// A written case's section opens closed: open the first.
		chromedp.Evaluate[chromedp.Void](`document.querySelector('details.case-section').open = true`),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="discussed-case"] textarea[name$="-notes"]`), "Typed just before signing."),
		chromedp.Click(chromedp.CSS(`[data-testid="sign"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="share"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if s := text(t, ctx, `[data-testid="status"]`); s != "signed" {
		t.Fatalf("status after signing: %q", s)
	}
	if s := text(t, ctx, `[data-testid="discussed-case"] .notes`); s != "Typed just before signing." {
		t.Fatalf("the signed record's notes: %q, want the text typed just before signing", s)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="share"]`))); err != nil {
		t.Fatal(err)
	}
	waitURL(t, ctx, "notice=shared")
	if s := text(t, ctx, `[data-testid="status"]`); s != "shared with the worker" {
		t.Fatalf("status after sharing: %q", s)
	}
	checkAccessibility(t, ctx, "signed conference")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#addendum`), "Correction: the school meeting is on Thursday."),
		chromedp.Click(chromedp.CSS(`[data-testid="add-addendum"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitURL(t, ctx, "notice=addendum")
	checkPrintedRecord(t, ctx, "conference-record", "Supervision conference record", "Confidential child welfare record",
		"Safety plan in place", "Typed just before signing.", "Correction: the school meeting is on Thursday.", "Signed", "Shared", "by ")

	// The dashboard answers at once: next conference a week after today,
	// fewer cases left to discuss this month.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/unit"), chromedp.WaitVisible(chromedp.CSS(row))); err != nil {
		t.Fatal(err)
	}
	dueAfter := text(t, ctx, row+` [data-testid="next-conference"]`)
	if dueAfter != "due Mon 30 Nov 2026" || dueAfter == dueBefore {
		t.Errorf("next conference: before %q, after %q; want due Mon 30 Nov 2026", dueBefore, dueAfter)
	}
	undiscussedAfter, _ := strconv.Atoi(text(t, ctx, row+` [data-testid="undiscussed"]`))
	if undiscussedBefore > 0 && undiscussedAfter >= undiscussedBefore {
		t.Errorf("cases not discussed this month: before %d, after %d", undiscussedBefore, undiscussedAfter)
	}

	// A case at low or moderate risk goes high: its one-day report appears.
	var caseID int64
	if err := pool.QueryRow(context.Background(), `
		SELECT a.case_id FROM case_assignments a
		WHERE a.worker_id = $1 AND upper_inf(a.during)
		  AND (SELECT level FROM risk_assessments r WHERE r.case_id = a.case_id ORDER BY assessed_on DESC LIMIT 1) IN ('low', 'moderate')
		ORDER BY a.case_id LIMIT 1`, worker).Scan(&caseID); err != nil {
		t.Fatal(err)
	}
	riskBefore, _ := strconv.Atoi(text(t, ctx, row+` [data-testid="risk"]`))
	c := strconv.FormatInt(caseID, 10)
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/cases/"+c),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="record-risk"]`)),
		chromedp.SetValue(chromedp.CSS(`#level`), "high"),
		chromedp.Click(chromedp.CSS(`[data-testid="record-risk"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="saved"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	report := text(t, ctx, `tr[data-rule="risk.report"]`)
	if !strings.Contains(report, "Tue 24 Nov 2026") || !strings.Contains(report, "due") {
		t.Errorf("one-day report on the case page: %q, want due Tue 24 Nov 2026", report)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/unit"), chromedp.WaitVisible(chromedp.CSS(row))); err != nil {
		t.Fatal(err)
	}
	if riskAfter, _ := strconv.Atoi(text(t, ctx, row+` [data-testid="risk"]`)); riskAfter != riskBefore+1 {
		t.Errorf("high risk awaiting: before %d, after %d", riskBefore, riskAfter)
	}
}

// waitURL waits until the tab's address contains want and the page is ready.
func waitURL(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, want) {
			if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("footer"))); err == nil {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the page never reached an address with %q", want)
}
