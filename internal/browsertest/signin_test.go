package browsertest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
	"github.com/casework/casework/internal/web"
)

// serveDemo starts the app on the demo agency as of Mon 23 Nov 2026.
func serveDemo(t *testing.T) (string, *pgxpool.Pool) {
	t.Helper()
	pool, st := testdb.App(t)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
	if err := store.New(pool).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/New_York")
	app, err := web.New(web.Config{
		Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Location: loc,
		Now: func() time.Time { return time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	srv := httptest.NewServer(app.Routes())
	t.Cleanup(srv.Close)
	return srv.URL, pool
}

func firstEmail(t *testing.T, pool *pgxpool.Pool, role string) string {
	var e string
	if err := pool.QueryRow(context.Background(), `SELECT email FROM people WHERE role = $1 ORDER BY id LIMIT 1`, role).Scan(&e); err != nil {
		t.Fatal(err)
	}
	return e
}

// signIn fills the sign-in form as a person would and waits for the next page.
func signIn(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`button[type="submit"].primary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="viewer-name"]`)),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}

// A supervisor signs in and sees the workers of their own unit.
func TestSupervisorSignsInAndSeesTheirUnit(t *testing.T) {
	base, pool := serveDemo(t)
	ctx := newBrowser(t)

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#email"))); err != nil {
		t.Fatal(err)
	}
	checkAccessibility(t, ctx, "sign-in page")
	screenshot(t, ctx, "sign-in")

	email := firstEmail(t, pool, "supervisor")
	signIn(t, ctx, base, email, demo.Password)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, "/unit") {
		t.Fatalf("after sign-in at %q (%v), want /unit", loc, err)
	}
	var want []string
	r, err := pool.Query(context.Background(), `
		SELECT p.full_name FROM unit_members m
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> DATE '2026-11-23'
		JOIN people p ON p.id = m.worker_id AND m.during @> DATE '2026-11-23'
		JOIN people sp ON sp.id = s.supervisor_id AND sp.email = $1
		ORDER BY p.full_name, p.id`, email)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var n string
		_ = r.Scan(&n)
		want = append(want, n)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('[data-testid="worker-row"] th')].map(e => e.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(shown) // the dashboard lists the most urgent first
	if len(want) == 0 || strings.Join(shown, "\n") != strings.Join(want, "\n") {
		t.Fatalf("page shows workers %q, the unit has %q", shown, want)
	}
	checkAccessibility(t, ctx, "unit page")

	// Signing out returns to the sign-in page, and the unit is gone.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.Navigate(base+"/unit"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
	)
	if err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

// Each role's first page renders, passes the accessibility check, and is
// photographed for docs/screenshots.
func TestEachRolesFirstPage(t *testing.T) {
	base, pool := serveDemo(t)
	for _, tc := range []struct{ role, path, marker string }{
		{"supervisor", "/unit", `[data-testid="unit-workers"]`},
		{"casework_supervisor", "/area", `[data-testid="area-units"]`},
		{"worker", "/agenda", `[data-testid="my-next-conference"]`},
		{"administrator", "/admin", `[data-testid="offices"]`},
	} {
		t.Run(tc.role, func(t *testing.T) {
			ctx := newBrowser(t)
			signIn(t, ctx, base, firstEmail(t, pool, tc.role), demo.Password)
			if err := chromedp.Do(ctx, chromedp.Navigate(base+tc.path), chromedp.WaitVisible(chromedp.CSS(tc.marker))); err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
			checkAccessibility(t, ctx, tc.path)
			screenshot(t, ctx, tc.role)
		})
	}
}
