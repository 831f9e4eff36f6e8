package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
	"github.com/casework/casework/internal/web"
)

// The agency's clock in every test: noon on Mon 23 Nov 2026 in New York.
var fixedNow = time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)

type harness struct {
	srv    *httptest.Server
	router chi.Router
	pool   *pgxpool.Pool // the schema owner's, for fixtures and checks

	mu    sync.Mutex
	slept []time.Duration // what the sign-in throttle asked to wait
}

func newHarness(t *testing.T) *harness { t.Helper(); return newHarnessWith(t, nil) }

// newHarnessWith lets a test change the web tier's configuration first.
func newHarnessWith(t testing.TB, configure func(*web.Config)) *harness {
	t.Helper()
	return newHarnessOf(t, nil, configure)
}

// newHarnessOf is newHarnessWith over the demo with some of its records left
// out by strip (nil: none), for a test whose own records of that kind must
// be the only ones.
func newHarnessOf(t testing.TB, strip func(*store.Dataset), configure func(*web.Config)) *harness {
	t.Helper()
	h := &harness{}
	pool, st := testdb.App(t)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
	if strip != nil {
		strip(d)
	}
	if err := store.New(pool).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	cfg := web.Config{
		Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return fixedNow }, Location: loc,
		Sleep: func(d time.Duration) { h.mu.Lock(); h.slept = append(h.slept, d); h.mu.Unlock() },
	}
	if configure != nil {
		configure(&cfg)
	}
	app, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	h.router = app.Router()
	h.srv = httptest.NewServer(h.router)
	t.Cleanup(h.srv.Close)
	h.pool = pool
	return h
}

// client is a browser-like client: a cookie jar, and no automatic redirects so
// each answer can be checked.
func (h *harness) client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (h *harness) email(t *testing.T, role string) string {
	var e string
	if err := h.pool.QueryRow(context.Background(), `SELECT email FROM people WHERE role = $1 ORDER BY id LIMIT 1`, role).Scan(&e); err != nil {
		t.Fatal(err)
	}
	return e
}

// post sends a form the way a browser does from one of our own pages.
func (h *harness) post(t *testing.T, c *http.Client, path string, form url.Values, site string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", site)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (h *harness) get(t *testing.T, c *http.Client, path string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(h.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func (h *harness) signIn(t *testing.T, c *http.Client, email string) {
	t.Helper()
	resp := h.post(t, c, "/login", url.Values{"email": {email}, "password": {demo.Password}}, "same-origin")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign in as %s: %d %s", email, resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestSignedOutPeopleAreSentToSignIn(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	for _, p := range []string{"/", "/unit", "/area", "/caseload", "/admin"} {
		resp, _ := h.get(t, c, p)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Errorf("GET %s signed out: %d → %q, want 303 → /login", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestSignInFailuresDoNotTellWhichPartWasWrong(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	wrongPassword := h.post(t, c, "/login", url.Values{"email": {h.email(t, "supervisor")}, "password": {"not-the-password"}}, "same-origin")
	noAccount := h.post(t, c, "/login", url.Values{"email": {"nobody@" + demo.EmailDomain}, "password": {"not-the-password"}}, "same-origin")
	var bodies []string
	for _, r := range []*http.Response{wrongPassword, noAccount} {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusUnauthorized {
			t.Errorf("failed sign-in: status %d, want 401", r.StatusCode)
		}
		if !strings.Contains(string(b), "do not match an account") {
			t.Errorf("failed sign-in page lacks the message")
		}
		if strings.Contains(string(b), "not-the-password") {
			t.Errorf("the password typed is echoed back")
		}
		bodies = append(bodies, string(b))
	}
	// The email typed is kept; apart from it, the two pages are identical.
	a := strings.Replace(bodies[0], h.email(t, "supervisor"), "EMAIL", 1)
	b := strings.Replace(bodies[1], "nobody@"+demo.EmailDomain, "EMAIL", 1)
	if a != b {
		t.Error("the page for a wrong password differs from the page for an unknown email")
	}
}

func TestEachRoleSeesItsOwnFirstPage(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		role, home, mustSee string
		denied              []string
	}{
		{"supervisor", "/unit", `data-testid="worker-row"`, []string{"/area", "/caseload", "/admin"}},
		{"casework_supervisor", "/area", `data-testid="unit-row"`, []string{"/unit", "/caseload", "/admin"}},
		{"worker", "/agenda", `data-testid="my-next-conference"`, []string{"/unit", "/area", "/admin"}},
		{"administrator", "/admin", `data-testid="offices"`, []string{"/unit", "/area", "/caseload"}},
	}
	for _, tc := range cases {
		t.Run(tc.role, func(t *testing.T) {
			c := h.client(t)
			h.signIn(t, c, h.email(t, tc.role))
			resp, _ := h.get(t, c, "/")
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.home {
				t.Fatalf("GET / → %d %q, want 303 %s", resp.StatusCode, resp.Header.Get("Location"), tc.home)
			}
			resp, body := h.get(t, c, tc.home)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, tc.mustSee) {
				t.Fatalf("GET %s: %d, page lacks %s", tc.home, resp.StatusCode, tc.mustSee)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("case data page Cache-Control %q, want no-store", cc)
			}
			for _, p := range tc.denied {
				if resp, _ := h.get(t, c, p); resp.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s as %s: %d, want 404", p, tc.role, resp.StatusCode)
				}
			}
		})
	}
}

func TestSupervisorSeesOnlyTheirUnit(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	email := h.email(t, "supervisor")
	h.signIn(t, c, email)
	_, body := h.get(t, c, "/unit")
	rows, err := h.pool.Query(context.Background(), `
		SELECT p.full_name, s.supervisor_id = (SELECT id FROM people WHERE email = $1)
		FROM unit_members m JOIN people p ON p.id = m.worker_id
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> DATE '2026-11-23'
		WHERE m.during @> DATE '2026-11-23'`, email)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var mine int
	for rows.Next() {
		var name string
		var own bool
		if err := rows.Scan(&name, &own); err != nil {
			t.Fatal(err)
		}
		if own {
			mine++
			if !strings.Contains(body, ">"+name+"<") {
				t.Errorf("own worker %s not shown", name)
			}
		}
	}
	if mine < 4 {
		t.Fatalf("only %d workers in the unit", mine)
	}
	if got := strings.Count(body, `data-testid="worker-row"`); got != mine {
		t.Errorf("page lists %d workers, unit has %d", got, mine)
	}
}

func TestCrossSiteFormPostsAreRefused(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	resp := h.post(t, c, "/login", url.Values{"email": {h.email(t, "supervisor")}, "password": {demo.Password}}, "cross-site")
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site sign-in post: %d, want 403", resp.StatusCode)
	}
	// A signed-in person's session cannot be ended from another site either.
	h.signIn(t, c, h.email(t, "supervisor"))
	resp = h.post(t, c, "/logout", nil, "cross-site")
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site sign-out post: %d, want 403", resp.StatusCode)
	}
	if r, _ := h.get(t, c, "/unit"); r.StatusCode != http.StatusOK {
		t.Fatalf("still signed in after a refused cross-site post: %d", r.StatusCode)
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	h.signIn(t, c, h.email(t, "worker"))
	// Keep the cookie to replay it after sign-out, as a thief would.
	u, _ := url.Parse(h.srv.URL)
	stolen := c.Jar.Cookies(u)
	resp := h.post(t, c, "/logout", nil, "same-origin")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	thief := h.client(t)
	thief.Jar.SetCookies(u, stolen)
	if r, _ := h.get(t, thief, "/caseload"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("old session cookie still works after sign-out: %d", r.StatusCode)
	}
}

func TestSessionTokenChangesAtSignIn(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	h.get(t, c, "/login")
	u, _ := url.Parse(h.srv.URL)
	before := c.Jar.Cookies(u)
	h.signIn(t, c, h.email(t, "worker"))
	after := c.Jar.Cookies(u)
	if len(after) == 0 {
		t.Fatal("no session cookie after sign-in")
	}
	for _, b := range before {
		for _, a := range after {
			if a.Name == b.Name && a.Value == b.Value {
				t.Fatal("session token not renewed at sign-in")
			}
		}
	}
}

func TestSecurityHeadersAndProbes(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	resp, body := h.get(t, c, "/login")
	want := map[string]string{
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, part := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, part) {
			t.Errorf("CSP %q lacks %q", csp, part)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") {
		t.Error("page has inline script or style, which the CSP would block")
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if r, _ := h.get(t, c, p); r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p, r.StatusCode)
		}
	}
	// Static assets are served at their hashed URLs and cached for good.
	i := strings.Index(body, `href="/static/`)
	if i < 0 {
		t.Fatal("no stylesheet link")
	}
	href := body[i+6 : i+6+strings.Index(body[i+6:], `"`)]
	r, css := h.get(t, c, href)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || !strings.Contains(css, ":root") {
		t.Errorf("GET %s: %d %q", href, r.StatusCode, r.Header.Get("Cache-Control"))
	}
	if r, _ := h.get(t, c, "/static/0000/app.css"); r.StatusCode != http.StatusNotFound {
		t.Errorf("a wrong hash serves the file: %d", r.StatusCode)
	}
}

func TestUnknownPathsAnswer404(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	h.signIn(t, c, h.email(t, "supervisor"))
	if r, body := h.get(t, c, "/no/such/page"); r.StatusCode != http.StatusNotFound || !strings.Contains(body, "nothing at this address") {
		t.Fatalf("unknown path: %d", r.StatusCode)
	}
}

// An idle session ends: after the idle timeout the person must sign in again.
func TestIdleSessionsEnd(t *testing.T) {
	pool, st := testdb.App(t)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
	if err := store.New(pool).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	app, err := web.New(web.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return fixedNow }, IdleTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	srv := httptest.NewServer(app.Routes())
	defer srv.Close()
	h := &harness{srv: srv, pool: pool}
	c := h.client(t)
	h.signIn(t, c, h.email(t, "worker"))
	if r, _ := h.get(t, c, "/caseload"); r.StatusCode != http.StatusOK {
		t.Fatalf("fresh session: %d", r.StatusCode)
	}
	time.Sleep(1500 * time.Millisecond) // scs measures idleness on its own clock
	if r, _ := h.get(t, c, "/caseload"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the idle timeout: %d, want 303 to sign-in", r.StatusCode)
	}
}
