package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/casework/casework/internal/demo"
)

func (h *harness) failSignIn(t *testing.T, c *http.Client, email string) *http.Response {
	t.Helper()
	return h.post(t, c, "/login", url.Values{"email": {email}, "password": {"wrong-password-here"}}, "same-origin")
}

func TestRepeatedFailuresSlowDownThenLockTheAccount(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	email := h.email(t, "supervisor")
	for i := range 5 {
		r := h.failSignIn(t, c, email)
		r.Body.Close()
		if r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.StatusCode)
		}
	}
	want := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second}
	if diff := cmp.Diff(want, h.slept); diff != "" {
		t.Errorf("delays before answering failures (-want +got):\n%s", diff)
	}
	// Now even the right password is refused, with the lockout message.
	r := h.post(t, c, "/login", url.Values{"email": {email}, "password": {demo.Password}}, "same-origin")
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(b), "Too many failed attempts") {
		t.Fatalf("locked account signed in: %d", r.StatusCode)
	}
	// An email without an account locks the same way: the lockout tells
	// nothing about which emails exist.
	ghost := "nobody-here@" + demo.EmailDomain
	for range 5 {
		h.failSignIn(t, h.client(t), ghost).Body.Close()
	}
	r = h.failSignIn(t, c, ghost)
	r.Body.Close()
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("unknown email after 5 failures: %d, want the same lockout", r.StatusCode)
	}
	// Another account signs in from the same address (below the address limit).
	other := h.client(t)
	h.signIn(t, other, h.email(t, "worker"))
}

func TestTemporaryPasswordMustBeChanged(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	email := h.email(t, "worker")
	if _, err := h.pool.Exec(ctx, `UPDATE people SET must_change_password = true WHERE email = $1`, email); err != nil {
		t.Fatal(err)
	}
	c := h.client(t)
	h.signIn(t, c, email)
	for _, p := range []string{"/", "/caseload"} {
		if r, _ := h.get(t, c, p); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/password" {
			t.Fatalf("GET %s with a temporary password: %d → %q, want /password", p, r.StatusCode, r.Header.Get("Location"))
		}
	}
	change := func(current, next, confirm string) (*http.Response, string) {
		r := h.post(t, c, "/password", url.Values{"current": {current}, "new": {next}, "confirm": {confirm}}, "same-origin")
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		return r, string(b)
	}
	for _, tc := range []struct{ current, next, confirm, field string }{
		{"not-my-password", "river-lantern-oak-47", "river-lantern-oak-47", "current"},
		{demo.Password, "password1234", "password1234", "new"},
		{demo.Password, "short", "short", "new"},
		{demo.Password, "river-lantern-oak-47", "river-lantern-oak-48", "confirm"},
	} {
		r, body := change(tc.current, tc.next, tc.confirm)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="`+tc.field+`-problem"`) {
			t.Errorf("change %+v: %d, want the problem beside %s", tc, r.StatusCode, tc.field)
		}
	}
	if r, _ := change(demo.Password, "river-lantern-oak-47", "river-lantern-oak-47"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("good change: %d", r.StatusCode)
	}
	if r, _ := h.get(t, c, "/caseload"); r.StatusCode != http.StatusOK {
		t.Fatalf("after the change: %d", r.StatusCode)
	}
	r := h.post(t, h.client(t), "/login", url.Values{"email": {email}, "password": {demo.Password}}, "same-origin")
	r.Body.Close()
	if r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the old password still works: %d", r.StatusCode)
	}
	var changed int
	if err := h.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'password_changed'`).Scan(&changed); err != nil || changed != 1 {
		t.Fatalf("password change audited %d times (%v)", changed, err)
	}
}

func TestRoleChangeRenewsTheSessionAndTheReach(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	email := h.email(t, "worker")
	h.signIn(t, c, email)
	u, _ := url.Parse(h.srv.URL)
	before := c.Jar.Cookies(u)[0].Value
	if _, err := h.pool.Exec(context.Background(), `UPDATE people SET role = 'administrator', experience_start = NULL WHERE email = $1`, email); err != nil {
		t.Fatal(err)
	}
	if r, _ := h.get(t, c, "/caseload"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("former worker still reaches the caseload: %d", r.StatusCode)
	}
	if after := c.Jar.Cookies(u)[0].Value; after == before {
		t.Fatal("session token not renewed on a change of role")
	}
}

func TestDeactivatedPeopleAreSignedOut(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	email := h.email(t, "supervisor")
	h.signIn(t, c, email)
	if _, err := h.pool.Exec(context.Background(), `UPDATE people SET active = false WHERE email = $1`, email); err != nil {
		t.Fatal(err)
	}
	if r, _ := h.get(t, c, "/unit"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivated person still served: %d", r.StatusCode)
	}
}

func TestViewsAndSignInsAreAudited(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	email := h.email(t, "worker")
	h.failSignIn(t, c, email).Body.Close()
	h.signIn(t, c, email)
	h.get(t, c, "/caseload")
	ctx := context.Background()
	var cases int
	err := h.pool.QueryRow(ctx, `
		SELECT jsonb_array_length(a.detail -> 'cases') FROM audit_log a JOIN people p ON p.id = a.actor_id
		WHERE p.email = $1 AND a.action = 'viewed' AND a.entity = 'caseload'`, email).Scan(&cases)
	if err != nil || cases == 0 {
		t.Fatalf("caseload view not audited with its cases: %d, %v", cases, err)
	}
	var actions []string
	rows, _ := h.pool.Query(ctx, `SELECT action FROM audit_log WHERE entity = 'session' ORDER BY seq`)
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		actions = append(actions, a)
	}
	if diff := cmp.Diff([]string{"sign_in_failed", "signed_in"}, actions); diff != "" {
		t.Errorf("session audit (-want +got):\n%s", diff)
	}
	var addr, reqID string
	if err := h.pool.QueryRow(ctx, `SELECT remote_addr, request_id FROM audit_log WHERE action = 'signed_in'`).Scan(&addr, &reqID); err != nil || addr != "127.0.0.1" || reqID == "" {
		t.Errorf("sign-in entry: addr %q request id %q (%v)", addr, reqID, err)
	}
}

// Changing one's password ends one's other sessions and keeps this one; an
// administrator's reset ends them all.
func TestPasswordChangesEndOtherSessions(t *testing.T) {
	h := newHarness(t)
	email := h.email(t, "worker")
	a, b := h.client(t), h.client(t)
	h.signIn(t, a, email)
	h.signIn(t, b, email)
	r := h.post(t, a, "/password", url.Values{"current": {demo.Password}, "new": {"river-lantern-oak-47"}, "confirm": {"river-lantern-oak-47"}}, "same-origin")
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", r.StatusCode)
	}
	if r, _ := h.get(t, a, "/agenda"); r.StatusCode != http.StatusOK {
		t.Fatalf("the session that changed the password: %d", r.StatusCode)
	}
	if r, _ := h.get(t, b, "/agenda"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("the other session: %d %s, want sent to sign in", r.StatusCode, r.Header.Get("Location"))
	}
	// An administrator's temporary password ends every session of the person.
	if _, err := h.pool.Exec(context.Background(), `UPDATE people SET must_change_password = true, sessions_valid_after = now() WHERE email = $1`, email); err != nil {
		t.Fatal(err)
	}
	if r, _ := h.get(t, a, "/agenda"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("after a reset: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}
