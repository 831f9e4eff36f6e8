package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casework/casework/internal/demo"
)

// A supervisor follows the link on their unit dashboard to their unit's
// twelve months of compliance: one unit's chart and tables, the way back
// to their unit, an export of a month; the page passes the accessibility
// check and is photographed.
func TestSupervisorOpensTheirUnitsTrends(t *testing.T) {
	base, pool := serveDemo(t)
	ctx := newBrowser(t)
	signIn(t, ctx, base, firstEmail(t, pool, "supervisor"), demo.Password)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/unit"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="trends-link"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="trends-link"]`))); err != nil {
		t.Fatal(err)
	}
	waitURL(t, ctx, "/unit/trends")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="trend-chart"]`))); err != nil {
		t.Fatal(err)
	}
	units, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="trend"]').length`))
	if err != nil || units != 1 {
		t.Errorf("the supervisor's trends show %d units (%v), want their one unit", units, err)
	}
	if back := text(t, ctx, `main p a`); !strings.Contains(back, "My unit") {
		t.Errorf("the way back reads %q, want My unit", back)
	}
	checkAccessibility(t, ctx, "unit trends")
	screenshot(t, ctx, "unit-trends")
}
