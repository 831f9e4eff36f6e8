package browsertest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/oidctest"
	"github.com/casework/casework/internal/sso"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
	"github.com/casework/casework/internal/web"
)

// A supervisor signs in through the agency's provider (a real one, on the
// loopback: internal/oidctest), on the provider's own sign-in page, lands on
// their unit, signs out of Casework and then of the provider.
func TestSupervisorSignsInThroughTheAgencysProvider(t *testing.T) {
	pool, st := testdb.App(t)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
	if err := store.New(pool).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	email := firstEmail(t, pool, "supervisor")
	idp := oidctest.Start(t, base+"/login/oidc/callback", base+"/login",
		oidctest.User{Subject: "00u-supervisor-1", Username: "vbrightwater", Password: "agency-password", Email: email, EmailVerified: true})
	client, err := sso.New(sso.Config{Issuer: idp.Issuer, ClientID: idp.ClientID, ClientSecret: idp.ClientSecret, RedirectURL: base + "/login/oidc/callback"})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/New_York")
	app, err := web.New(web.Config{
		Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Location: loc,
		Now: func() time.Time { return time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) },
		SSO: &web.SSO{Client: client, ProviderName: "State Login"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: app.Routes()}}
	srv.Start()
	t.Cleanup(srv.Close)

	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="sso-button"]`))); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "sign-in page with the agency's button")
	screenshot(t, ctx, "sign-in-sso")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="sso-button"]`)),
		chromedp.WaitVisible(chromedp.CSS("#username")), // the provider's page
		chromedp.SendKeys(chromedp.CSS("#username"), "vbrightwater"),
		chromedp.SendKeys(chromedp.CSS("#password"), "agency-password"),
		chromedp.Click(chromedp.CSS("#provider-sign-in")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="unit-workers"]`)),
	)
	if err != nil {
		t.Fatalf("sign in through the provider: %v", err)
	}
	at, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasPrefix(at, base+"/unit") {
		t.Fatalf("after signing in at %q (%v), want Casework's /unit", at, err)
	}
	name, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(`[data-testid="viewer-name"]`)))
	if err != nil || strings.TrimSpace(name) == "" {
		t.Fatalf("no signed-in name shown (%v)", err)
	}

	// Signing out of Casework offers the provider's sign-out, which brings
	// the browser back to the sign-in page.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="sso-end-session"]`)),
	)
	if err != nil {
		t.Fatalf("sign out: %v", err)
	}
	checkAccessibility(t, ctx, "signed-out page")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="sso-end-session"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="sso-button"]`)),
		chromedp.Navigate(base+"/unit"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="sso-button"]`)),
	)
	if err != nil {
		t.Fatalf("sign out at the provider: %v", err)
	}
}
