package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/oidctest"
	"github.com/casework/casework/internal/sso"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
	"github.com/casework/casework/internal/web"
)

// The link of a person to the provider: administrators only, on real
// people (checked below with real ids).
func init() {
	addMatrix(map[string]reach{"POST /admin/people/{personID}/sso": {}})
}

// ssoHarness is the app on the demo agency beside a real OpenID provider
// (internal/oidctest: zitadel's provider, on the loopback).
type ssoHarness struct {
	*harness
	idp *oidctest.Provider
	cfg web.Config // to start a second instance on the same database
}

// ssoOptions: passwordsOff turns passwords off for everyone but the first
// active administrator (the break-glass one).
type ssoOptions struct {
	passwordsOff bool
}

func newSSOHarness(t *testing.T, o ssoOptions) *ssoHarness {
	t.Helper()
	h := &harness{}
	pool, st := testdb.App(t)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
	if err := store.New(pool).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	breakGlass := ""
	if o.passwordsOff {
		var first int64
		for _, p := range d.People {
			if p.Role == "administrator" && !p.Inactive && (first == 0 || p.ID < first) {
				first, breakGlass = p.ID, p.Email
			}
		}
	}
	loc, _ := time.LoadLocation("America/New_York")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	idp := oidctest.Start(t, base+"/login/oidc/callback", base+"/login")
	client, err := sso.New(sso.Config{Issuer: idp.Issuer, ClientID: idp.ClientID, ClientSecret: idp.ClientSecret,
		RedirectURL: base + "/login/oidc/callback", AuthParams: map[string]string{"ui_locales": "en"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := web.Config{
		Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return fixedNow }, Location: loc,
		Sleep: func(time.Duration) {},
		SSO: &web.SSO{Client: client, ProviderName: "State Login", PasswordsOff: o.passwordsOff,
			BreakGlassEmail: strings.ToLower(breakGlass)},
	}
	app, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	h.router = app.Router()
	h.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: h.router}}
	h.srv.Start()
	t.Cleanup(h.srv.Close)
	h.pool = pool
	return &ssoHarness{harness: h, idp: idp, cfg: cfg}
}

// secondInstance starts another instance of the app on the same database,
// with a relying party of its own (as another process would have), and
// returns its address.
func (h *ssoHarness) secondInstance(t *testing.T) string {
	t.Helper()
	cfg := h.cfg
	client, err := sso.New(sso.Config{Issuer: h.idp.Issuer, ClientID: h.idp.ClientID, ClientSecret: h.idp.ClientSecret,
		RedirectURL: h.srv.URL + "/login/oidc/callback"})
	if err != nil {
		t.Fatal(err)
	}
	set := *cfg.SSO
	set.Client = client
	cfg.SSO = &set
	app, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	srv := httptest.NewServer(app.Routes())
	t.Cleanup(srv.Close)
	return srv.URL
}

// authorize goes from Casework's button through the provider's sign-in page
// as the user, and returns the address the provider sends the browser back
// to (Casework's callback, with code and state), not yet visited.
func (h *ssoHarness) authorize(t *testing.T, c *http.Client, username, password string) string {
	t.Helper()
	to, err := h.idp.Authorize(c, h.srv.URL+"/login/oidc", h.srv.URL+"/login/oidc/callback", username, password)
	if err != nil {
		t.Fatal(err)
	}
	return to
}

// callback visits Casework's callback address; it answers with the page.
func (h *ssoHarness) callback(t *testing.T, c *http.Client, to string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// signInSSO signs in through the provider and expects to be let in.
func (h *ssoHarness) signInSSO(t *testing.T, c *http.Client, username string) {
	t.Helper()
	resp, body := h.callback(t, c, h.authorize(t, c, username, "pw-"+username))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign in through the provider as %s: %d %s\n%s", username, resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

// wantRefused expects the callback to refuse, and the audit log to say why,
// with the provider's issuer and the subject.
func (h *ssoHarness) wantRefused(t *testing.T, c *http.Client, to string, status int, reason, subject string) {
	t.Helper()
	before, _ := h.get(t, c, "/")
	resp, body := h.callback(t, c, to)
	if resp.StatusCode != status || !strings.Contains(body, `data-testid="sso-refused"`) {
		t.Fatalf("callback: %d, want %d and the refusal page:\n%s", resp.StatusCode, status, body)
	}
	if strings.Contains(body, reason) {
		t.Errorf("the refusal page names the internal reason %q", reason)
	}
	// Nobody is signed in by it (a browser signed in before stays so).
	if resp, _ := h.get(t, c, "/"); resp.Header.Get("Location") != before.Header.Get("Location") {
		t.Errorf("after a refused sign-in GET / → %d %s, before it %s", resp.StatusCode, resp.Header.Get("Location"), before.Header.Get("Location"))
	}
	var detail map[string]any
	var raw []byte
	err := h.pool.QueryRow(context.Background(), `SELECT detail FROM audit_log WHERE action = 'sign_in_refused' ORDER BY seq DESC LIMIT 1`).Scan(&raw)
	if err != nil {
		t.Fatalf("no refusal in the audit log: %v", err)
	}
	_ = json.Unmarshal(raw, &detail)
	if detail["reason"] != reason || detail["issuer"] != h.idp.Issuer {
		t.Errorf("refusal entry %v, want reason %q issuer %q", detail, reason, h.idp.Issuer)
	}
	if subject != "" && detail["subject"] != subject && detail["subject_unverified"] != subject {
		t.Errorf("refusal entry %v does not name the subject %q", detail, subject)
	}
}

func (h *ssoHarness) person(t *testing.T, role string, rank int) (id int64, email string) {
	t.Helper()
	if err := h.pool.QueryRow(context.Background(), `SELECT id, email FROM people WHERE role = $1 AND active ORDER BY id OFFSET $2 LIMIT 1`,
		role, rank).Scan(&id, &email); err != nil {
		t.Fatal(err)
	}
	return id, email
}

func (h *ssoHarness) addUser(sub, email string, verified bool) {
	h.idp.AddUser(oidctest.User{Subject: sub, Username: sub, Password: "pw-" + sub, Email: email, EmailVerified: verified, Name: "Someone"})
}

func sessionCookie(c *http.Client, base string) string {
	u, _ := url.Parse(base)
	for _, k := range c.Jar.Cookies(u) {
		if k.Name == "casework_session" {
			return k.Value
		}
	}
	return ""
}

func TestSSOSignIn(t *testing.T) {
	h := newSSOHarness(t, ssoOptions{})
	ctx := context.Background()

	t.Run("the sign-in page shows the agency's button beside the password form", func(t *testing.T) {
		_, body := h.get(t, h.client(t), "/login")
		if !strings.Contains(body, `href="/login/oidc"`) || !strings.Contains(body, "Sign in with State Login") || !strings.Contains(body, `id="password"`) {
			t.Errorf("sign-in page lacks the button or the password form:\n%s", body)
		}
	})

	t.Run("a known person signs in by their verified e-mail, on a new session token", func(t *testing.T) {
		id, email := h.person(t, "supervisor", 0)
		// A temporary password is not asked for: none was used.
		if _, err := h.pool.Exec(ctx, `UPDATE people SET must_change_password = true WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		h.addUser("sub-known", strings.ToUpper(email), true)
		c := h.client(t)
		to := h.authorize(t, c, "sub-known", "pw-sub-known")
		before := sessionCookie(c, h.srv.URL)
		if before == "" {
			t.Fatal("no session before the provider's answer: state, nonce and verifier are kept where?")
		}
		resp, body := h.callback(t, c, to)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("callback: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		if after := sessionCookie(c, h.srv.URL); after == "" || after == before {
			t.Error("the session token was not renewed at sign-in")
		}
		if resp, _ := h.get(t, c, "/"); resp.Header.Get("Location") != "/unit" {
			t.Errorf("GET / after sign-in → %d %s, want /unit", resp.StatusCode, resp.Header.Get("Location"))
		}
		var raw []byte
		if err := h.pool.QueryRow(ctx, `SELECT detail FROM audit_log WHERE action = 'signed_in' AND actor_id = $1 ORDER BY seq DESC LIMIT 1`, id).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		_ = json.Unmarshal(raw, &d)
		if d["issuer"] != h.idp.Issuer || d["subject"] != "sub-known" || d["matched_by"] != "email" || d["method"] != "sso" {
			t.Errorf("sign-in entry %v: want the issuer, subject and how they were matched", d)
		}

		t.Run("a replayed state is refused", func(t *testing.T) {
			h.wantRefused(t, c, to, http.StatusBadRequest, "state", "")
			h.wantRefused(t, h.client(t), to, http.StatusBadRequest, "state", "") // in another browser
		})

		t.Run("sign-out ends the session and offers the provider's", func(t *testing.T) {
			resp := h.post(t, c, "/logout", url.Values{}, "same-origin")
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `data-testid="sso-end-session"`) {
				t.Fatalf("sign-out: %d\n%s", resp.StatusCode, body)
			}
			if resp, _ := h.get(t, c, "/unit"); resp.Header.Get("Location") != "/login" {
				t.Errorf("after sign-out GET /unit → %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			i := strings.Index(string(body), `href="`+h.idp.Issuer)
			if i < 0 {
				t.Fatalf("no link to the provider's sign-out:\n%s", body)
			}
			link := string(body[i+len(`href="`):])
			link = strings.ReplaceAll(link[:strings.Index(link, `"`)], "&amp;", "&")
			u, _ := url.Parse(link)
			if u.Query().Get("id_token_hint") == "" || u.Query().Get("post_logout_redirect_uri") != h.srv.URL+"/login" {
				t.Errorf("provider sign-out link %s lacks the hint or the way back", link)
			}
			// The provider accepts it and sends the browser back to Casework.
			pr, err := c.Get(link)
			if err != nil {
				t.Fatal(err)
			}
			pr.Body.Close()
			if pr.StatusCode != http.StatusFound || !strings.HasPrefix(pr.Header.Get("Location"), h.srv.URL+"/login") {
				t.Errorf("the provider's sign-out: %d → %s", pr.StatusCode, pr.Header.Get("Location"))
			}
		})
	})

	t.Run("an unknown person is refused", func(t *testing.T) {
		h.addUser("sub-stranger", "nobody@"+demo.EmailDomain, true)
		c := h.client(t)
		h.wantRefused(t, c, h.authorize(t, c, "sub-stranger", "pw-sub-stranger"), http.StatusForbidden, "unknown", "sub-stranger")
	})

	t.Run("an e-mail the provider did not verify is not enough", func(t *testing.T) {
		id, email := h.person(t, "worker", 3)
		h.addUser("sub-unverified", email, false)
		c := h.client(t)
		to := h.authorize(t, c, "sub-unverified", "pw-sub-unverified")
		resp, body := h.callback(t, c, to)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `data-testid="sso-identity"`) || !strings.Contains(body, "sub-unverified") {
			t.Fatalf("refused as unknown: %d, the page does not tell the person their account id\n%s", resp.StatusCode, body)
		}
		// The administrator sees the refused account on the person's page
		// and links it; then it signs the person in.
		admin := h.client(t)
		h.signIn(t, admin, h.email(t, "administrator"))
		page := "/admin/people/" + strconv.FormatInt(id, 10)
		_, body = h.get(t, admin, page)
		if !strings.Contains(body, `data-testid="sso-refused-subjects"`) || !strings.Contains(body, `name="subject" value="sub-unverified"`) {
			t.Fatalf("the person's page does not offer the refused account:\n%s", body)
		}
		resp = h.post(t, admin, page+"/sso", url.Values{"subject": {"sub-unverified"}}, "same-origin")
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("link the refused account: %d", resp.StatusCode)
		}
		if _, body = h.get(t, admin, page); strings.Contains(body, `data-testid="sso-refused-subjects"`) {
			t.Error("a linked account is still offered as refused")
		}
		h.signInSSO(t, h.client(t), "sub-unverified")
		resp = h.post(t, admin, page+"/sso", url.Values{"subject": {""}}, "same-origin") // unlink again
		resp.Body.Close()
		c = h.client(t)
		h.wantRefused(t, c, h.authorize(t, c, "sub-unverified", "pw-sub-unverified"), http.StatusForbidden, "unknown", "sub-unverified")
		var actions []string
		rows, _ := h.pool.Query(ctx, `SELECT action FROM audit_log WHERE entity = 'person' AND entity_id = $1 AND action LIKE 'sso_%' ORDER BY seq`, strconv.FormatInt(id, 10))
		for rows.Next() {
			var a string
			_ = rows.Scan(&a)
			actions = append(actions, a)
		}
		if strings.Join(actions, ",") != "sso_linked,sso_unlinked" {
			t.Errorf("link and unlink audited as %v", actions)
		}
	})

	t.Run("a subject linked by an administrator signs its person in, and only it", func(t *testing.T) {
		workerID, email := h.person(t, "worker", 0)
		admin := h.client(t)
		h.signIn(t, admin, h.email(t, "administrator"))
		resp := h.post(t, admin, "/admin/people/"+strconv.FormatInt(workerID, 10)+"/sso", url.Values{"subject": {"sub-linked"}}, "same-origin")
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("link: %d", resp.StatusCode)
		}
		if _, page := h.get(t, admin, "/admin/people/"+strconv.FormatInt(workerID, 10)); !strings.Contains(page, `value="sub-linked"`) {
			t.Error("the person's page does not show the link")
		}
		// Another person's subject cannot be taken.
		otherID, _ := h.person(t, "worker", 1)
		resp = h.post(t, admin, "/admin/people/"+strconv.FormatInt(otherID, 10)+"/sso", url.Values{"subject": {"sub-linked"}}, "same-origin")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `data-testid="subject-problem"`) || !strings.Contains(string(b), `value="sub-linked"`) {
			t.Errorf("a subject linked twice: %d, want 422 with the problem and the subject as typed", resp.StatusCode)
		}
		// Not from another site.
		if resp := h.post(t, admin, "/admin/people/"+strconv.FormatInt(otherID, 10)+"/sso", url.Values{"subject": {"sub-other"}}, "cross-site"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a link posted from another site: %d, want 403", resp.StatusCode)
		}
		// Nobody else may link.
		sup := h.client(t)
		_, supEmail := h.person(t, "supervisor", 1)
		h.signIn(t, sup, supEmail)
		if resp := h.post(t, sup, "/admin/people/"+strconv.FormatInt(workerID, 10)+"/sso", url.Values{"subject": {"x"}}, "same-origin"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a supervisor links a subject: %d, want 404", resp.StatusCode)
		}

		h.addUser("sub-linked", "personal@example.com", false)
		c := h.client(t)
		h.signInSSO(t, c, "sub-linked")
		if resp, _ := h.get(t, c, "/"); resp.Header.Get("Location") != "/agenda" {
			t.Errorf("the linked worker's first page: %s", resp.Header.Get("Location"))
		}
		// The worker's e-mail, verified, from another subject: the link wins.
		h.addUser("sub-impostor", email, true)
		c2 := h.client(t)
		h.wantRefused(t, c2, h.authorize(t, c2, "sub-impostor", "pw-sub-impostor"), http.StatusForbidden, "unknown", "sub-impostor")
	})

	t.Run("a person with no password issued signs in through the provider", func(t *testing.T) {
		id, email := h.person(t, "worker", 7)
		if _, err := h.pool.Exec(ctx, `UPDATE people SET password_hash = NULL WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		h.addUser("sub-imported", email, true)
		h.signInSSO(t, h.client(t), "sub-imported")
	})

	t.Run("a deactivated person is refused", func(t *testing.T) {
		id, email := h.person(t, "worker", 5)
		h.addUser("sub-gone", email, true)
		if _, err := h.pool.Exec(ctx, `UPDATE people SET active = false WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		c := h.client(t)
		to := h.authorize(t, c, "sub-gone", "pw-sub-gone")
		h.wantRefused(t, c, to, http.StatusForbidden, "deactivated", "sub-gone")
	})

	_, email := h.person(t, "casework_supervisor", 0)
	h.addUser("sub-cws", email, true)
	for _, tc := range []struct {
		name, reason string
		mint         oidctest.Mint
	}{
		{"a token for another audience is refused", "id_token", oidctest.Mint{Audience: "another-app"}},
		{"a token for another party that also names Casework is refused", "authorized_party",
			oidctest.Mint{Audience: "another-app", AudienceAlso: []string{"casework"}}},
		{"an expired token is refused", "expired_token", oidctest.Mint{Lifetime: -5 * time.Minute}},
		{"a token not signed with the provider's published key is refused", "id_token", oidctest.Mint{ForgedSignature: true}},
		{"a wrong nonce is refused", "nonce", oidctest.Mint{Nonce: "not-this-sign-ins"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.idp.SetMint(tc.mint)
			defer h.idp.SetMint(oidctest.Mint{})
			c := h.client(t)
			h.wantRefused(t, c, h.authorize(t, c, "sub-cws", "pw-sub-cws"), http.StatusBadRequest, tc.reason, "sub-cws")
		})
	}

	t.Run("the same person, as minted normally, signs in", func(t *testing.T) {
		h.signInSSO(t, h.client(t), "sub-cws")
	})

	t.Run("a sign-in begun on one instance completes on another", func(t *testing.T) {
		other := h.secondInstance(t)
		c := h.client(t)
		to := h.authorize(t, c, "sub-cws", "pw-sub-cws")
		// The balancer sends the provider's answer to the other instance
		// (a cookie jar, like a browser, ignores the port).
		resp, body := h.callback(t, c, other+strings.TrimPrefix(to, h.srv.URL))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("callback on the second instance: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		if resp, _ := h.get(t, c, "/"); resp.Header.Get("Location") != "/area" {
			t.Errorf("the first instance does not see the session: GET / → %s", resp.Header.Get("Location"))
		}
	})

	t.Run("a rotated signing key is fetched again", func(t *testing.T) {
		before := h.idp.KeyID()
		h.idp.RotateKey()
		if h.idp.KeyID() == before {
			t.Fatal("the key did not change")
		}
		h.signInSSO(t, h.client(t), "sub-cws")
	})

	t.Run("an e-mail given by userinfo only is read there", func(t *testing.T) {
		h.idp.SetMint(oidctest.Mint{ClaimsByUserinfoOnly: true})
		defer h.idp.SetMint(oidctest.Mint{})
		h.signInSSO(t, h.client(t), "sub-cws")
	})

	t.Run("a sign-in the person cancelled at the provider is refused", func(t *testing.T) {
		c := h.client(t)
		resp, err := c.Get(h.srv.URL + "/login/oidc")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		auth, _ := url.Parse(resp.Header.Get("Location"))
		h.wantRefused(t, c, h.srv.URL+"/login/oidc/callback?error=access_denied&state="+url.QueryEscape(auth.Query().Get("state")), http.StatusBadRequest, "provider_error", "")
	})
}

func TestSSOPasswordsOffButForBreakGlass(t *testing.T) {
	h := newSSOHarness(t, ssoOptions{passwordsOff: true})
	_, adminEmail := h.person(t, "administrator", 0) // the break-glass one

	_, page := h.get(t, h.client(t), "/login")
	if !strings.Contains(page, `data-testid="sso-button"`) || strings.Contains(page, `id="password"`) || !strings.Contains(page, `data-testid="break-glass"`) {
		t.Errorf("with passwords off the sign-in page shows the provider's button and the break-glass path only:\n%s", page)
	}
	if _, page := h.get(t, h.client(t), "/login?break-glass=1"); !strings.Contains(page, `id="password"`) {
		t.Error("the break-glass path shows no password form")
	}
	for _, role := range []string{"supervisor", "worker"} {
		c := h.client(t)
		resp := h.post(t, c, "/login", url.Values{"email": {h.email(t, role)}, "password": {demo.Password}}, "same-origin")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), "do not match an account") {
			t.Errorf("%s's right password with passwords off: %d, want 401 as for a wrong one", role, resp.StatusCode)
		}
		if resp, _ := h.get(t, c, "/"); resp.Header.Get("Location") != "/login" {
			t.Errorf("%s signed in with a password while passwords are off", role)
		}
	}
	// Another administrator is no break-glass one.
	other := "second.administrator@" + demo.EmailDomain
	if _, err := h.pool.Exec(context.Background(), `INSERT INTO people (email, full_name, role, password_hash, created_at)
		SELECT $2, 'Second Administrator', 'administrator', password_hash, now() FROM people WHERE email = $1`, adminEmail, other); err != nil {
		t.Fatal(err)
	}
	resp := h.post(t, h.client(t), "/login", url.Values{"email": {other}, "password": {demo.Password}}, "same-origin")
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("another administrator's password with passwords off: %d, want 401", resp.StatusCode)
	}
	c := h.client(t)
	h.signIn(t, c, adminEmail)
	if resp, _ := h.get(t, c, "/"); resp.Header.Get("Location") != "/admin" {
		t.Errorf("the break-glass administrator's first page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Everyone else comes in through the provider.
	_, sup := h.person(t, "supervisor", 0)
	h.addUser("sub-sup", sup, true)
	h.signInSSO(t, h.client(t), "sub-sup")
}

// A provider that cannot be reached: the button says so, passwords work.
func TestSSOProviderAway(t *testing.T) {
	h := newSSOHarness(t, ssoOptions{})
	h.idp.Stop()
	resp, body := h.get(t, h.client(t), "/login/oidc")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "cannot be reached") {
		t.Errorf("GET /login/oidc with the provider away: %d\n%s", resp.StatusCode, body)
	}
	h.signIn(t, h.client(t), h.email(t, "worker"))
}

// The provider's routes exist only when one is configured, and answer
// everyone (the access matrix walks the router without a provider).
func TestSSORoutes(t *testing.T) {
	h := newSSOHarness(t, ssoOptions{})
	var extra []string
	_ = chi.Walk(h.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if _, ok := matrix[method+" "+route]; !ok {
			extra = append(extra, method+" "+route)
		}
		return nil
	})
	if strings.Join(extra, ",") != "GET /login/oidc,GET /login/oidc/callback" {
		t.Errorf("routes beyond the access matrix: %v", extra)
	}
	c := h.client(t)
	h.signIn(t, c, h.email(t, "worker"))
	if resp, _ := h.get(t, c, "/login/oidc"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("GET /login/oidc signed in: %d %s, want back to the start", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ := h.get(t, h.client(t), "/login/oidc")
	to, _ := url.Parse(resp.Header.Get("Location"))
	q := to.Query()
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(to.String(), h.idp.Issuer) {
		t.Errorf("GET /login/oidc signed out: %d %s, want to the provider", resp.StatusCode, to)
	}
	// The authorization request: code flow, PKCE S256, state and nonce of
	// their own, the configured extra parameter.
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) < 43 ||
		len(q.Get("state")) < 43 || len(q.Get("nonce")) < 43 || q.Get("state") == q.Get("nonce") || q.Get("ui_locales") != "en" ||
		!strings.Contains(q.Get("scope"), "openid") {
		t.Errorf("authorization request %v", q)
	}
	// Without a provider, nothing there.
	plain := newHarness(t)
	if resp, _ := plain.get(t, plain.client(t), "/login/oidc"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /login/oidc without a provider: %d, want 404", resp.StatusCode)
	}
	if _, page := plain.get(t, plain.client(t), "/login"); strings.Contains(page, "/login/oidc") {
		t.Error("the sign-in page shows a provider's button with none configured")
	}
	admin := plain.client(t)
	plain.signIn(t, admin, plain.email(t, "administrator"))
	var worker int64
	if err := plain.pool.QueryRow(context.Background(), `SELECT id FROM people WHERE role = 'worker' ORDER BY id LIMIT 1`).Scan(&worker); err != nil {
		t.Fatal(err)
	}
	if _, page := plain.get(t, admin, "/admin/people/"+strconv.FormatInt(worker, 10)); strings.Contains(page, `data-testid="sso-link"`) {
		t.Error("a person's page offers a provider link with no provider configured")
	}
}
