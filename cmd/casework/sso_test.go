package main

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/oidctest"
	"github.com/casework/casework/internal/testdb"
)

// `casework serve` with single sign-on configured, passwords off but for a
// break-glass administrator: people sign in through the provider; only the
// break-glass administrator's password is accepted.
func TestServeWithSingleSignOn(t *testing.T) {
	ownerURL, owner := testdb.New(t)
	a := loadAgency(t, ownerURL, owner)
	var admin string
	if err := owner.QueryRow(t.Context(), `SELECT email FROM people WHERE role = 'administrator' AND active ORDER BY id LIMIT 1`).Scan(&admin); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	base := "http://" + addr
	idp := oidctest.Start(t, base+"/login/oidc/callback", base+"/login",
		oidctest.User{Subject: "00u-sup", Username: "sup", Password: "agency-pw", Email: a.supEmail, EmailVerified: true})
	s := startServer(t, a.appURL, "LISTEN_ADDR="+addr,
		"OIDC_ISSUER="+idp.Issuer, "OIDC_CLIENT_ID="+idp.ClientID, "OIDC_CLIENT_SECRET="+idp.ClientSecret,
		"OIDC_REDIRECT_URL="+base+"/login/oidc/callback", "OIDC_PROVIDER_NAME=State Login",
		"PASSWORD_SIGN_IN=off", "BREAK_GLASS_EMAIL="+admin)

	if _, page := get(t, browser(), s.base+"/login"); !strings.Contains(page, "Sign in with State Login") || strings.Contains(page, `id="password"`) {
		t.Errorf("sign-in page with passwords off:\n%s", page)
	}
	if resp, _ := post(t, browser(), s.base+"/login", url.Values{"email": {a.supEmail}, "password": {demo.Password}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a supervisor's password with passwords off: %d, want 401", resp.StatusCode)
	}
	signIn(t, browser(), s.base, admin) // the break-glass administrator

	c := browser()
	to, err := idp.Authorize(c, s.base+"/login/oidc", s.base+"/login/oidc/callback", "sup", "agency-pw")
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := get(t, c, to); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("callback: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if resp, _ := get(t, c, s.base+"/unit"); resp.StatusCode != http.StatusOK {
		t.Errorf("the supervisor's unit after signing in through the provider: %d", resp.StatusCode)
	}
}

// A bad single sign-on setting stops `casework serve` before it listens,
// naming the variable.
func TestServeRefusesBadSingleSignOnSettings(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "CASEWORK_TEST_MAIN=1", `CASEWORK_TEST_ARGS=["serve"]`, "DATABASE_URL=postgres://127.0.0.1:1/none",
		"OIDC_ISSUER=http://idp.example.gov", "OIDC_CLIENT_ID=casework", "PASSWORD_SIGN_IN=off")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("casework serve started with bad settings")
	}
	for _, name := range []string{"OIDC_ISSUER:", "OIDC_CLIENT_SECRET:", "OIDC_REDIRECT_URL:", "BREAK_GLASS_EMAIL:"} {
		if !strings.Contains(string(out), name) {
			t.Errorf("the refusal does not name %s:\n%s", name, out)
		}
	}
}
