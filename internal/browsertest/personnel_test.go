package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casework/casework/internal/demo"
)

// A Texas supervisor (the agency on tx-dfps) writes a conference with its
// personnel part in the form (notes, objectives, the five abilities, a step
// to standard), saves it, types more and signs at once: the signed record
// holds all of it, and the personnel page lists the filing with the step
// open.
func TestTexasConferencePersonnelPartSavedAndSigned(t *testing.T) {
	base, pool := serveDemo(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO profile_choices (profile, effective_on, chosen_at, chosen_by) VALUES ('tx-dfps', DATE '2026-01-01', now(), 'test')`); err != nil {
		t.Fatal(err)
	}
	email := firstEmail(t, pool, "supervisor")
	var worker int64
	if err := pool.QueryRow(ctx, `
		SELECT m.worker_id FROM unit_members m
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> DATE '2026-11-23'
		JOIN people sp ON sp.id = s.supervisor_id AND sp.email = $1
		WHERE m.during @> DATE '2026-11-23' ORDER BY m.worker_id LIMIT 1`, email).Scan(&worker); err != nil {
		t.Fatal(err)
	}
	w := strconv.FormatInt(worker, 10)
	b := newBrowser(t)
	signIn(t, b, base, email, demo.Password)
	err := chromedp.Do(b,
		chromedp.Navigate(base+"/workers/"+w+"/conferences/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="create-conference"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="create-conference"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="personnel-part"]`)),
		// Every case's topics answered, tx-dfps's "progress" topic too (its
		// field is not the case's progress rating).
		chromedp.Evaluate[chromedp.Void](`(() => {
			for (const d of document.querySelectorAll('details.case-section')) d.open = true;
			for (const t of document.querySelectorAll('[data-testid="discussed-case"] textarea')) {
				if (!t.name.endsWith('-notes')) t.value = 'Reviewed with the worker.';
			}
		})()`),
		chromedp.SendKeys(chromedp.CSS(`#pf-notes`), "Supportive supervision: caseload stress discussed."),
		chromedp.SendKeys(chromedp.CSS(`#pf-objectives`), "Enter each contact within one day."),
		chromedp.SetValue(chromedp.CSS(`#pf-rating-timely_contacts`), "below"),
		chromedp.SendKeys(chromedp.CSS(`#pf-note-timely_contacts`), "Two families not seen this month."),
		chromedp.SetValue(chromedp.CSS(`#pf-rating-safety_assessment`), "meets"),
		chromedp.SetValue(chromedp.CSS(`#pstep-standard-0`), "contacts"),
		chromedp.SendKeys(chromedp.CSS(`#pstep-desc-0`), "Visit the two families"),
		chromedp.SetValue(chromedp.CSS(`#pstep-due-0`), "2026-12-04"),
		chromedp.Click(chromedp.CSS(`[data-testid="save-draft"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitURL(t, b, "saved=1")
	if v, _ := chromedp.Run(b, chromedp.Value(chromedp.CSS(`#pf-rating-timely_contacts`))); v != "below" {
		t.Fatalf("the saved rating is not on the form: %q", v)
	}
	checkAccessibility(t, b, "Texas conference form")
	if err := chromedp.Do(b, chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="personnel-part"]`))); err != nil {
		t.Fatal(err)
	}
	screenshotTop(t, b, "conference-personnel-form")
	// Typed and signed at once, before any automatic save.
	err = chromedp.Do(b,
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.SetValue(chromedp.CSS(`#pf-objectives`), "Enter each contact within one day. Typed just before signing."),
		chromedp.Click(chromedp.CSS(`[data-testid="sign"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="personnel-record"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if s := text(t, b, `[data-testid="personnel-objectives"]`); s != "Enter each contact within one day. Typed just before signing." {
		t.Fatalf("the signed objectives: %q", s)
	}
	if s := text(t, b, `[data-testid="evaluation"]`); !strings.Contains(s, "Below the standard: steps set") || !strings.Contains(s, "Two families not seen this month.") {
		t.Errorf("the signed evaluation: %q", s)
	}
	checkAccessibility(t, b, "Texas signed record")
	if err := chromedp.Do(b, chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="personnel-record"]`))); err != nil {
		t.Fatal(err)
	}
	screenshotTop(t, b, "conference-personnel-record")
	err = chromedp.Do(b,
		chromedp.Navigate(base+"/workers/"+w+"/notes"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="personnel-filing"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if s := text(t, b, `[data-testid="open-personnel-steps"]`); !strings.Contains(s, "Visit the two families") || !strings.Contains(s, "open") {
		t.Errorf("the open step on the personnel page: %q", s)
	}
	checkAccessibility(t, b, "personnel page")
	screenshot(t, b, "personnel-file")

	// Shared, the worker reads the objectives and the step, not the
	// supervisor's side.
	var conference, workerEmail string
	if err := pool.QueryRow(ctx, `SELECT k.id::text, p.email FROM conferences k JOIN people p ON p.id = k.worker_id
		WHERE k.worker_id = $1 AND k.status = 'signed' ORDER BY k.id DESC LIMIT 1`, worker).Scan(&conference, &workerEmail); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(b,
		chromedp.Navigate(base+"/conferences/"+conference),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="share"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="share"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitURL(t, b, "notice=shared")
	wb := newBrowser(t)
	signIn(t, wb, base, workerEmail, demo.Password)
	if err := chromedp.Do(wb, chromedp.Navigate(base+"/conferences/"+conference), chromedp.WaitVisible(chromedp.CSS(`[data-testid="personnel-shared"]`))); err != nil {
		t.Fatal(err)
	}
	if s := text(t, wb, `main`); strings.Contains(s, "caseload stress") || strings.Contains(s, "Two families not seen") || !strings.Contains(s, "Visit the two families") {
		t.Errorf("the worker's record: %q", s)
	}
	checkAccessibility(t, wb, "the worker's shared record")
	if err := chromedp.Do(wb, chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="personnel-shared"]`))); err != nil {
		t.Fatal(err)
	}
	screenshotTop(t, wb, "conference-personnel-shared")
}
