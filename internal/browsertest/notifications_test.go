package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/notify"
	"github.com/casework/casework/internal/store"
)

// Where no SMTP server is set, the administrator reads the demo's mail on
// the outbox page, each message as its recipient's mail program shows it;
// a person stops their digest from its link. Each page passes the
// accessibility check, the digest's HTML part too.
func TestDemoMailIsReadOnTheOutboxPage(t *testing.T) {
	base, pool := serveDemo(t)
	loc, _ := time.LoadLocation("America/New_York")
	n := &notify.Notifier{Store: store.New(pool), Location: loc, BaseURL: base,
		Now: func() time.Time { return time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) }}
	if added, err := n.ComposeDay(context.Background(), time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)); err != nil || added == 0 {
		t.Fatalf("composing the demo's digests: %d, %v", added, err)
	}
	ctx := newBrowser(t)
	signIn(t, ctx, base, firstEmail(t, pool, "administrator"), demo.Password)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/outbox?kind=digest"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="preview-mode"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`[data-testid="outbox-row"] a`), "href"))
	if err != nil || !attr.Exists {
		t.Fatalf("no message to open: %v", err)
	}
	href := attr.Value
	checkAccessibility(t, ctx, "the outbox")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="outbox-row"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="html-part"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	subject, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="text-part"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(subject, "Casework daily digest for Mon 23 Nov 2026") || !strings.Contains(text, "Stop the daily digest: ") {
		t.Fatalf("the preview: %q\n%s", subject, text)
	}
	checkAccessibility(t, ctx, "a message")
	// The HTML part, as the frame shows it.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+href+"/html"), chromedp.WaitVisible(chromedp.CSS(`h1`))); err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(heading, "owe") {
		t.Fatalf("the HTML part's heading: %q", heading)
	}
	checkAccessibility(t, ctx, "a digest's HTML part")

	// A worker follows the digest's link and stops it, without JavaScript
	// needed: a plain form.
	worker := newBrowser(t)
	signIn(t, worker, base, firstEmail(t, pool, "worker"), demo.Password)
	err = chromedp.Do(worker,
		chromedp.Navigate(base+"/settings/notifications?stop=digest"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="stop-digest"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, worker, "the e-mail settings")
	err = chromedp.Do(worker,
		chromedp.Click(chromedp.CSS(`[data-testid="stop-digest"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="saved"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checked, err := chromedp.Run(worker, chromedp.Evaluate[bool](`document.querySelector('input[name="digest"][value="off"]').checked`))
	if err != nil || !checked {
		t.Fatalf("stopping the digest: %v, off checked %v", err, checked)
	}
}
