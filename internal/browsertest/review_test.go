package browsertest

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casework/casework/internal/demo"
)

// As a casework supervisor: open the area dashboard, log a review of a
// high-risk case whose one-day report is awaited, and see the report's state
// become met.
func TestCaseworkSupervisorLogsAReview(t *testing.T) {
	base, pool := serveDemo(t)
	ctx := newBrowser(t)
	email := firstEmail(t, pool, "casework_supervisor")
	signIn(t, ctx, base, email, demo.Password)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/area"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="high-risk"]`))); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "area dashboard")
	screenshotTop(t, ctx, "area-dashboard")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/area/trends"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="trend-chart"]`))); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "trends")
	screenshotTop(t, ctx, "trends")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/area"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="high-risk"]`))); err != nil {
		t.Fatal(err)
	}
	// A case of the area whose report is awaited (due or overdue).
	number, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		for (const tr of document.querySelectorAll('[data-testid="high-risk"] tbody tr')) {
			const s = tr.querySelector('[data-testid="report"]').textContent;
			if (s.includes('due') || s.includes('overdue')) return tr.dataset.case;
		}
		return '';
	})()`))
	if err != nil || number == "" {
		t.Fatalf("no high-risk case awaiting its report in the area (%v)", err)
	}
	var caseID, supervisor int64
	if err := pool.QueryRow(context.Background(), `
		SELECT c.id, us.supervisor_id FROM cases c
		JOIN case_assignments a ON a.case_id = c.id AND upper_inf(a.during)
		JOIN unit_members m ON m.worker_id = a.worker_id AND upper_inf(m.during)
		JOIN unit_supervisors us ON us.unit_id = m.unit_id AND upper_inf(us.during)
		WHERE c.case_number = $1`, number).Scan(&caseID, &supervisor); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/supervisors/"+itoa64(supervisor)+"/reviews/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="create-review"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "new review")
	// The case is preloaded (checked); keep only it, to see its state change.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		let found = false;
		for (const b of document.querySelectorAll('[data-testid="review-case"]')) {
			b.checked = b.value === '`+itoa64(caseID)+`' && b.checked;
			found = found || b.checked;
		}
		return found;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	checked, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="review-case"]:checked').length`))
	if checked != 1 {
		t.Fatalf("the high-risk case was not preloaded (%d checked)", checked)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="create-review"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="topics"]`)),
		chromedp.SendKeys(chromedp.CSS(`#topic-compliance`), "Two conferences overdue; plan agreed."),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="discussed-case"] textarea`), "Reviewed the safety plan; weekly review continues."),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="discussed-case"] textarea[name$="-decisions"]`), "Weekly review continues; the supervisor reports on Monday."),
		chromedp.Click(chromedp.CSS(`[data-testid="save-draft"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitURL(t, ctx, "saved=1")
	checkAccessibility(t, ctx, "review form")
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`[data-testid="sign"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitURL(t, ctx, "notice=signed")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/area"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="high-risk"]`))); err != nil {
		t.Fatal(err)
	}
	state := text(t, ctx, `[data-testid="high-risk"] tr[data-case="`+number+`"] [data-testid="report"]`)
	if !strings.HasPrefix(state, "met") {
		t.Fatalf("the one-day report after the review: %q, want met or met late", state)
	}
}
