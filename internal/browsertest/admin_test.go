package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casework/casework/internal/demo"
)

// Every administration page renders and passes the accessibility check.
func TestAdministrationPages(t *testing.T) {
	base, pool := serveDemo(t)
	ctx := newBrowser(t)
	signIn(t, ctx, base, firstEmail(t, pool, "administrator"), demo.Password)
	for _, p := range []string{"/admin", "/admin/people", "/admin/people/new", "/admin/offices", "/admin/cases", "/admin/policy",
		"/admin/import", "/admin/tokens", "/admin/audit"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS(`nav.admin-tabs`))); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		checkAccessibility(t, ctx, p)
	}
	// One person's page, reached from the list.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/people"), chromedp.WaitVisible(chromedp.CSS(`nav.admin-tabs`)),
		chromedp.Click(chromedp.CSS(`main table a[href^="/admin/people/"]`)), chromedp.WaitVisible(chromedp.CSS(`h1`))); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "a person")
}
