package browsertest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/oidctest"
	"github.com/casework/casework/internal/sso"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
	"github.com/casework/casework/internal/web"
)

// serveWithProvider starts the app on the demo agency beside a real
// OpenID provider on the loopback (internal/oidctest). With passwordsOff,
// only the first administrator may use a password.
func serveWithProvider(t *testing.T, passwordsOff bool) (string, *pgxpool.Pool, *oidctest.Provider) {
	t.Helper()
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
	idp := oidctest.Start(t, base+"/login/oidc/callback", base+"/login")
	client, err := sso.New(sso.Config{Issuer: idp.Issuer, ClientID: idp.ClientID, ClientSecret: idp.ClientSecret, RedirectURL: base + "/login/oidc/callback"})
	if err != nil {
		t.Fatal(err)
	}
	set := &web.SSO{Client: client, ProviderName: "State Login"}
	if passwordsOff {
		set.PasswordsOff, set.BreakGlassEmail = true, firstEmail(t, pool, "administrator")
	}
	loc, _ := time.LoadLocation("America/New_York")
	app, err := web.New(web.Config{
		Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Location: loc,
		Now: func() time.Time { return time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) },
		SSO: set,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: app.Routes()}}
	srv.Start()
	t.Cleanup(srv.Close)
	return base, pool, idp
}

// A supervisor signs in through the agency's provider (a real one, on the
// loopback: internal/oidctest), on the provider's own sign-in page, lands on
// their unit, signs out of Casework and then of the provider.
func TestSupervisorSignsInThroughTheAgencysProvider(t *testing.T) {
	base, pool, idp := serveWithProvider(t, false)
	idp.AddUser(oidctest.User{Subject: "00u-supervisor-1", Username: "vbrightwater", Password: "agency-password",
		Email: firstEmail(t, pool, "supervisor"), EmailVerified: true})
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="sso-button"]`))); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "sign-in page with the agency's button")
	screenshot(t, ctx, "sign-in-sso")
	err := chromedp.Do(ctx,
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

// With passwords off the sign-in page offers the provider's button and a
// discreet break-glass path, through which the administrator signs in.
func TestPasswordsOffLeaveTheBreakGlassPath(t *testing.T) {
	base, pool, _ := serveWithProvider(t, true)
	ctx := newBrowser(t)
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="break-glass"]`)))
	if err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#password').length`))
	if err != nil || n != 0 {
		t.Fatalf("a password field on the sign-in page with passwords off (%d, %v)", n, err)
	}
	checkAccessibility(t, ctx, "sign-in page, passwords off")
	screenshot(t, ctx, "sign-in-passwords-off")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="break-glass"]`)),
		chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#email"), firstEmail(t, pool, "administrator")),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
		chromedp.Click(chromedp.CSS(`button[type="submit"].primary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="offices"]`)),
	)
	if err != nil {
		t.Fatalf("break-glass sign-in: %v", err)
	}
	// A person's page offers the link to the provider's account.
	var worker int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM people WHERE role = 'worker' ORDER BY id LIMIT 1`).Scan(&worker); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(fmt.Sprintf("%s/admin/people/%d", base, worker)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="sso-link"] #subject`)),
		chromedp.SendKeys(chromedp.CSS("#subject"), "00u-worker-1"),
		chromedp.Click(chromedp.CSS(`[data-testid="sso-link"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.saved`)),
	)
	if err != nil {
		t.Fatalf("link a person to the provider: %v", err)
	}
	checkAccessibility(t, ctx, "person page with the provider link")
	var linked string
	if err := pool.QueryRow(context.Background(), `SELECT subject FROM oidc_subjects WHERE person_id = $1`, worker).Scan(&linked); err != nil || linked != "00u-worker-1" {
		t.Errorf("the link was not saved: %q, %v", linked, err)
	}
}
