package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casework/casework/internal/demo"
)

// A worker opens one of their cases, then edits the address to another
// worker's case: the app answers as for nothing there.
func TestWorkerCannotReachAnotherWorkersCaseByEditingTheURL(t *testing.T) {
	base, pool := serveDemo(t)
	ctx := newBrowser(t)
	email := firstEmail(t, pool, "worker")
	var own, other int64
	if err := pool.QueryRow(context.Background(), `
		SELECT a.case_id FROM case_assignments a JOIN people p ON p.id = a.worker_id
		WHERE p.email = $1 AND upper_inf(a.during) ORDER BY a.case_id LIMIT 1`, email).Scan(&own); err != nil {
		t.Fatal(err)
	}
	// The next case by id that is someone else's: the guess a person would make.
	if err := pool.QueryRow(context.Background(), `
		SELECT a.case_id FROM case_assignments a JOIN people p ON p.id = a.worker_id
		WHERE p.email <> $1 AND upper_inf(a.during) AND a.case_id > $2 ORDER BY a.case_id LIMIT 1`, email, own).Scan(&other); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, base, email, demo.Password)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/cases/"+strconv.FormatInt(own, 10)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="case-obligations"]`))); err != nil {
		t.Fatalf("own case: %v", err)
	}
	checkAccessibility(t, ctx, "worker's case page")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/cases/"+strconv.FormatInt(other, 10)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-message"]`))); err != nil {
		t.Fatalf("another worker's case: %v", err)
	}
	msg := text(t, ctx, `[data-testid="error-message"]`)
	if !strings.Contains(msg, "nothing at this address") {
		t.Fatalf("another worker's case answered %q", msg)
	}
	var family string
	_ = pool.QueryRow(context.Background(), `SELECT family_name FROM cases WHERE id = $1`, other).Scan(&family)
	html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
	if strings.Contains(html, family) {
		t.Fatalf("the refused page names the family %q", family)
	}
}
