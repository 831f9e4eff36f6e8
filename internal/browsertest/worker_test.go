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

// As a worker: see the agenda of the next conference, open a record shared
// with them and acknowledge it; it leaves the list of notes to read.
func TestWorkerSeesTheAgendaAndAcknowledgesSharedNotes(t *testing.T) {
	base, pool := serveDemo(t)
	ctx := newBrowser(t)
	// A worker with a record shared and not yet acknowledged.
	var email string
	if err := pool.QueryRow(context.Background(), `
		SELECT p.email FROM conferences k JOIN people p ON p.id = k.worker_id
		WHERE k.status = 'shared' ORDER BY p.id LIMIT 1`).Scan(&email); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, base, email, demo.Password)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/agenda"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-next-conference"]`))); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "worker agenda")
	screenshotTop(t, ctx, "worker-agenda")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="worker-agenda"] > li').length`)); n == 0 {
		t.Fatal("the agenda proposes no case")
	}
	before, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="shared-notes"] li').length`))
	if before == 0 {
		t.Fatal("no shared notes listed")
	}
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="shared-notes"] li a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="acknowledge"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "shared record")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="acknowledge"]`))); err != nil {
		t.Fatal(err)
	}
	waitURL(t, ctx, "notice=acknowledged")
	if s := text(t, ctx, `[data-testid="status"]`); s != "acknowledged" {
		t.Fatalf("status after acknowledging: %q", s)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/agenda"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-next-conference"]`))); err != nil {
		t.Fatal(err)
	}
	after, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="shared-notes"] li').length`))
	if after != before-1 {
		t.Fatalf("shared notes to read: %d before, %d after", before, after)
	}
}
