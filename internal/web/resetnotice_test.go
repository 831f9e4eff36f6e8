package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// An administrator who resets a supervisor's password can sign in with it;
// the supervisor is told at their next sign-in who reset it and when, and
// that the account was signed in to since (from where).
func TestAPasswordResetIsToldAtTheNextSignIn(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	var adminName, supID string
	email := h.email(t, "supervisor")
	if err := h.pool.QueryRow(ctx, `SELECT (SELECT full_name FROM people WHERE email = $1), (SELECT id::text FROM people WHERE email = $2)`,
		h.email(t, "administrator"), email).Scan(&adminName, &supID); err != nil {
		t.Fatal(err)
	}
	// Before any reset, no notice.
	plain := h.client(t)
	h.signIn(t, plain, email)
	if _, body := h.get(t, plain, "/unit"); strings.Contains(body, `data-testid="reset-notice"`) {
		t.Fatal("a notice without a reset")
	}
	code, _, body := h.postForm(t, admin, "/admin/people/"+supID+"/password", nil)
	m := tempPasswordPattern.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil {
		t.Fatalf("temporary password: %d", code)
	}
	signInWith := func() *http.Client {
		c := h.client(t)
		r := h.post(t, c, "/login", url.Values{"email": {email}, "password": {m[1]}}, "same-origin")
		r.Body.Close()
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in with the temporary password: %d", r.StatusCode)
		}
		return c
	}
	notice := func(c *http.Client) string {
		_, body := h.get(t, c, "/password")
		i := strings.Index(body, `data-testid="reset-notice">`)
		if i < 0 {
			t.Fatalf("no reset notice on the page after sign-in:\n%.2000s", body)
		}
		j := strings.Index(body[i:], "</p>")
		return html.UnescapeString(body[i+len(`data-testid="reset-notice">`) : i+j])
	}
	// The administrator signs in as the supervisor first.
	first := notice(signInWith())
	if !strings.Contains(first, "reset by "+adminName) || !strings.Contains(first, "No one signed in") {
		t.Errorf("first sign-in after the reset: %q", first)
	}
	// The supervisor's own next sign-in names the reset and that sign-in.
	second := notice(signInWith())
	if !strings.Contains(second, "reset by "+adminName) || !strings.Contains(second, "signed in to once since then") ||
		!strings.Contains(second, "from 127.0.0.1") {
		t.Errorf("the next sign-in does not tell of the reset and the sign-in since: %q", second)
	}
}
