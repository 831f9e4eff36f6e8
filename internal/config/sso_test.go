package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSSOOffByDefault(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "u"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SSO.Enabled() || c.SSO.PasswordsOff {
		t.Fatalf("single sign-on on without OIDC_ISSUER: %+v", c.SSO)
	}
}

func TestSSOSettings(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "u",
		"OIDC_ISSUER": "https://login.example.gov/realms/staff", "OIDC_CLIENT_ID": "casework", "OIDC_CLIENT_SECRET": "s3cret",
		"OIDC_REDIRECT_URL": "https://casework.example.gov/login/oidc/callback", "OIDC_EMAIL_CLAIM": "upn",
		"OIDC_PROVIDER_NAME": "State Login", "PASSWORD_SIGN_IN": "off", "BREAK_GLASS_EMAIL": "Admin@Example.gov",
		"OIDC_AUTH_PARAMS": "prompt=select_account&hd=example.gov"}))
	if err != nil {
		t.Fatal(err)
	}
	want := SSO{Issuer: "https://login.example.gov/realms/staff", ClientID: "casework", ClientSecret: "s3cret",
		RedirectURL: "https://casework.example.gov/login/oidc/callback", EmailClaim: "upn", EmailVerifiedClaim: "email_verified",
		Scopes: []string{"email", "profile"}, ProviderName: "State Login", PasswordsOff: true, BreakGlassEmail: "admin@example.gov",
		AuthParams: map[string]string{"prompt": "select_account", "hd": "example.gov"}}
	if diff := cmp.Diff(want, c.SSO); diff != "" {
		t.Errorf("SSO settings (-want +got):\n%s", diff)
	}
}

func TestEveryBadSSOValueIsNamed(t *testing.T) {
	cases := []struct {
		env   map[string]string
		names []string
	}{
		{map[string]string{"OIDC_CLIENT_ID": "x", "PASSWORD_SIGN_IN": "off"}, []string{"OIDC_CLIENT_ID", "PASSWORD_SIGN_IN", "BREAK_GLASS_EMAIL"}},
		{map[string]string{"OIDC_ISSUER": "http://idp.example.gov", "OIDC_REDIRECT_URL": "https://casework.example.gov/callback"},
			[]string{"OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_REDIRECT_URL"}},
		{map[string]string{"OIDC_ISSUER": "idp.example.gov", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s",
			"OIDC_REDIRECT_URL": "http://casework.example.gov/login/oidc/callback", "PASSWORD_SIGN_IN": "sometimes", "BREAK_GLASS_EMAIL": "not an address"},
			[]string{"OIDC_ISSUER", "OIDC_REDIRECT_URL", "PASSWORD_SIGN_IN", "BREAK_GLASS_EMAIL"}},
		{map[string]string{"OIDC_ISSUER": "https://idp.example.gov", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s",
			"OIDC_REDIRECT_URL": "https://casework.example.gov/login/oidc/callback", "BREAK_GLASS_EMAIL": "a@example.gov", "OIDC_EMAIL_CLAIM": "e mail"},
			[]string{"BREAK_GLASS_EMAIL", "OIDC_EMAIL_CLAIM"}},
		{map[string]string{"OIDC_ISSUER": "https://idp.example.gov", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s",
			"OIDC_REDIRECT_URL": "https://casework.example.gov/login/oidc/callback", "OIDC_AUTH_PARAMS": "prompt=login&nonce=fixed"},
			[]string{"OIDC_AUTH_PARAMS"}},
	}
	for _, tc := range cases {
		tc.env["DATABASE_URL"] = "u"
		_, err := Load(env(tc.env))
		if err == nil {
			t.Errorf("%v accepted", tc.env)
			continue
		}
		for _, name := range tc.names {
			if !strings.Contains(err.Error(), name+":") {
				t.Errorf("%v: error does not name %s:\n%v", tc.env, name, err)
			}
		}
	}
}

func TestSSOOnLoopbackMayBePlainHTTP(t *testing.T) {
	_, err := Load(env(map[string]string{"DATABASE_URL": "u", "OIDC_ISSUER": "http://127.0.0.1:5556", "OIDC_CLIENT_ID": "c",
		"OIDC_CLIENT_SECRET": "s", "OIDC_REDIRECT_URL": "http://localhost:8080/login/oidc/callback"}))
	if err != nil {
		t.Fatal(err)
	}
}
