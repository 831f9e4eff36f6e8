package browsertest

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casework/casework/internal/demo"
)

// Records that can be trusted, in the browser: a record with a blank case is
// not signed and names the case beside its section; without the script's
// dialog, signing asks on a confirmation page; an emergent request tops the
// casework supervisor's area; the worker's talking points reach the
// supervisor's proposed agenda. Each state is pictured in docs/screenshots.
func TestRecordsThatCanBeTrusted(t *testing.T) {
	base, pool := serveDemo(t)
	ctx := newBrowser(t)
	email := firstEmail(t, pool, "supervisor")
	var worker, case1 int64
	var workerEmail, cwsEmail string
	if err := pool.QueryRow(context.Background(), `
		SELECT m.worker_id, w.email, cs.email,
		       (SELECT a.case_id FROM case_assignments a WHERE a.worker_id = m.worker_id AND upper_inf(a.during) ORDER BY a.case_id LIMIT 1)
		FROM unit_members m
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> DATE '2026-11-23'
		JOIN people sp ON sp.id = s.supervisor_id AND sp.email = $1
		JOIN supervisor_reports r ON r.supervisor_id = sp.id AND r.during @> DATE '2026-11-23'
		JOIN people cs ON cs.id = r.casework_supervisor_id
		JOIN people w ON w.id = m.worker_id
		WHERE m.during @> DATE '2026-11-23' ORDER BY m.worker_id LIMIT 1`, email).Scan(&worker, &workerEmail, &cwsEmail, &case1); err != nil {
		t.Fatal(err)
	}
	w, c1 := strconv.FormatInt(worker, 10), strconv.FormatInt(case1, 10)

	// The worker writes a talking point for the next conference.
	wctx := newBrowser(t)
	signIn(t, wctx, base, workerEmail, demo.Password)
	err := chromedp.Do(wctx,
		chromedp.Navigate(base+"/agenda"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="add-point"]`)),
		chromedp.SetValue(chromedp.CSS(`#point-case`), c1),
		chromedp.SendKeys(chromedp.CSS(`#point-body`), "The mother asked when visits can be unsupervised."),
		chromedp.Click(chromedp.CSS(`[data-testid="add-point"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-talking-points"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, wctx, "worker's talking points")
	if err := chromedp.Do(wctx, chromedp.ScrollIntoView(chromedp.CSS(`#points`))); err != nil {
		t.Fatal(err)
	}
	screenshotTop(t, wctx, "worker-talking-points")

	// The supervisor sees it in the proposed agenda, starts the conference
	// and signs with the proposed cases left blank: refused, each named.
	signIn(t, ctx, base, email, demo.Password)
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/workers/"+w+"/conferences/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="talking-point"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if s := text(t, ctx, `[data-testid="talking-point"]`); s == "" {
		t.Fatal("the talking point is not in the proposed agenda")
	}
	screenshotTop(t, ctx, "conference-new-carried")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="create-conference"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="save-draft"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="discussed-case"] textarea`), "Safety plan holding."),
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`[data-testid="sign"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="not-signed"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	blank, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('details.case-section[open] .field-problem').length`))
	if err != nil || blank == 0 {
		t.Fatalf("no blank case is named beside its open section (%d, %v)", blank, err)
	}
	checkAccessibility(t, ctx, "blank record refused")
	screenshotTop(t, ctx, "conference-blank-refused")
	// Every topic written (or marked not applying) and, without the
	// script's dialog, the confirmation page asks first.
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`(() => {
			for (const d of document.querySelectorAll('details.case-section')) d.open = true;
			for (const t of document.querySelectorAll('[data-testid="discussed-case"] textarea')) {
				if (!t.value && !t.name.endsWith('-notes')) t.value = 'Reviewed with the worker.';
			}
			document.querySelector('[data-testid="sign"]').removeAttribute('data-confirm-click');
		})()`),
		chromedp.Click(chromedp.CSS(`[data-testid="sign"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm-sign"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "confirm signing")
	screenshotTop(t, ctx, "conference-confirm-sign")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="confirm-sign-button"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="share"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if s := text(t, ctx, `[data-testid="status"]`); s != "signed" {
		t.Fatalf("status after confirming: %q", s)
	}

	// The casework supervisor's open requests before (the demo has its own).
	cctx := newBrowser(t)
	signIn(t, cctx, base, cwsEmail, demo.Password)
	if err := chromedp.Do(cctx,
		chromedp.Navigate(base+"/area"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="open-requests"]`)),
	); err != nil {
		t.Fatal(err)
	}
	openBefore := 0
	if s := text(t, cctx, `[data-testid="open-requests"]`); s != "none open" {
		if _, err := fmt.Sscanf(s, "%d open", &openBefore); err != nil {
			t.Fatalf("open requests before: %q", s)
		}
	}

	// The supervisor flags a case: the reason must be chosen.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/cases/"+c1),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flag"]`)),
		chromedp.SetValue(chromedp.CSS(`#reason`), "critical_incident"),
		chromedp.SendKeys(chromedp.CSS(`#details`), "Police were called to the home last night."),
		chromedp.Click(chromedp.CSS(`[data-testid="flag"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="saved"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(cctx,
		chromedp.Navigate(base+"/area"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="open-requests"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if s, want := text(t, cctx, `[data-testid="open-requests"]`), fmt.Sprintf("%d open", openBefore+1); s != want {
		t.Errorf("open requests: %q, want %s", s, want)
	}
	checkAccessibility(t, cctx, "area with an emergent request")
	screenshotTop(t, cctx, "area-emergent-requests")
}
