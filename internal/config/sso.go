package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
)

// SSO is single sign-on through the agency's OpenID Connect provider
// (docs/security.md, "Single sign-on"); off while OIDC_ISSUER is unset.
type SSO struct {
	Issuer                string   // OIDC_ISSUER: the provider's issuer URL, exactly as its discovery document gives it
	ClientID              string   // OIDC_CLIENT_ID
	ClientSecret          string   // OIDC_CLIENT_SECRET
	RedirectURL           string   // OIDC_REDIRECT_URL: this app's https://HOST/login/oidc/callback, registered at the provider
	EmailClaim            string   // OIDC_EMAIL_CLAIM, default email
	EmailVerifiedClaim    string   // OIDC_EMAIL_VERIFIED_CLAIM, default email_verified
	Scopes                []string // OIDC_SCOPES besides openid, space-separated, default "email profile"
	ProviderName          string   // OIDC_PROVIDER_NAME: the button says "Sign in with NAME"; default "your agency account"
	PostLogoutRedirectURL string   // OIDC_POST_LOGOUT_REDIRECT_URL, default this app's /login
	// AuthParams (OIDC_AUTH_PARAMS, a query string such as
	// "prompt=select_account&hd=agency.gov") are added to the request to the
	// provider's authorization endpoint.
	AuthParams map[string]string
	// PasswordsOff (PASSWORD_SIGN_IN=off) turns password sign-in off for
	// everyone but the administrator whose e-mail is BreakGlassEmail
	// (BREAK_GLASS_EMAIL).
	PasswordsOff    bool
	BreakGlassEmail string
}

// Enabled says whether single sign-on is configured.
func (s SSO) Enabled() bool { return s.Issuer != "" }

// CallbackPath is the path OIDC_REDIRECT_URL must end in.
const CallbackPath = "/login/oidc/callback"

// loadSSO reads the single sign-on settings and returns a problem for every
// bad one, by name.
func loadSSO(getenv func(string) string) (SSO, []string) {
	s := SSO{
		Issuer:                strings.TrimSpace(getenv("OIDC_ISSUER")),
		ClientID:              strings.TrimSpace(getenv("OIDC_CLIENT_ID")),
		ClientSecret:          getenv("OIDC_CLIENT_SECRET"),
		RedirectURL:           strings.TrimSpace(getenv("OIDC_REDIRECT_URL")),
		EmailClaim:            or(strings.TrimSpace(getenv("OIDC_EMAIL_CLAIM")), "email"),
		EmailVerifiedClaim:    or(strings.TrimSpace(getenv("OIDC_EMAIL_VERIFIED_CLAIM")), "email_verified"),
		Scopes:                strings.Fields(or(getenv("OIDC_SCOPES"), "email profile")),
		ProviderName:          or(strings.TrimSpace(getenv("OIDC_PROVIDER_NAME")), "your agency account"),
		PostLogoutRedirectURL: strings.TrimSpace(getenv("OIDC_POST_LOGOUT_REDIRECT_URL")),
		BreakGlassEmail:       strings.ToLower(strings.TrimSpace(getenv("BREAK_GLASS_EMAIL"))),
	}
	var problems []string
	if s.Issuer == "" {
		for _, name := range []string{"OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_REDIRECT_URL", "OIDC_EMAIL_CLAIM",
			"OIDC_EMAIL_VERIFIED_CLAIM", "OIDC_SCOPES", "OIDC_PROVIDER_NAME", "OIDC_POST_LOGOUT_REDIRECT_URL", "OIDC_AUTH_PARAMS"} {
			if getenv(name) != "" {
				problems = append(problems, fmt.Sprintf("%s: set, but OIDC_ISSUER is not (set both, or neither)", name))
			}
		}
	} else {
		if p := webURL(s.Issuer); p != "" {
			problems = append(problems, fmt.Sprintf("OIDC_ISSUER: %q %s", s.Issuer, p))
		}
		if s.ClientID == "" {
			problems = append(problems, "OIDC_CLIENT_ID: not set (the client id the provider gave Casework)")
		}
		if s.ClientSecret == "" {
			problems = append(problems, "OIDC_CLIENT_SECRET: not set (the client secret the provider gave Casework)")
		}
		if s.RedirectURL == "" {
			problems = append(problems, "OIDC_REDIRECT_URL: not set (want https://YOUR-HOST"+CallbackPath+")")
		} else if p := webURL(s.RedirectURL); p != "" {
			problems = append(problems, fmt.Sprintf("OIDC_REDIRECT_URL: %q %s", s.RedirectURL, p))
		} else if u, _ := url.Parse(s.RedirectURL); u.Path != CallbackPath || u.RawQuery != "" {
			problems = append(problems, fmt.Sprintf("OIDC_REDIRECT_URL: %q does not end in %s (the address Casework answers the provider on)", s.RedirectURL, CallbackPath))
		}
		if s.PostLogoutRedirectURL != "" {
			if p := webURL(s.PostLogoutRedirectURL); p != "" {
				problems = append(problems, fmt.Sprintf("OIDC_POST_LOGOUT_REDIRECT_URL: %q %s", s.PostLogoutRedirectURL, p))
			}
		}
		for _, c := range []struct{ name, v string }{{"OIDC_EMAIL_CLAIM", s.EmailClaim}, {"OIDC_EMAIL_VERIFIED_CLAIM", s.EmailVerifiedClaim}} {
			if strings.ContainsAny(c.v, " \t\"") {
				problems = append(problems, fmt.Sprintf("%s: %q is not a claim name", c.name, c.v))
			}
		}
		for _, sc := range s.Scopes {
			if sc == "openid" {
				continue // asked for anyway
			}
			if strings.ContainsAny(sc, "\"\\") {
				problems = append(problems, fmt.Sprintf("OIDC_SCOPES: %q is not a scope", sc))
			}
		}
		if v := getenv("OIDC_AUTH_PARAMS"); v != "" {
			q, err := url.ParseQuery(v)
			if err != nil {
				problems = append(problems, fmt.Sprintf("OIDC_AUTH_PARAMS: %q is not a query string (e.g. prompt=select_account&acr_values=...)", v))
			}
			s.AuthParams = map[string]string{}
			for k, vs := range q {
				switch k {
				case "client_id", "redirect_uri", "response_type", "response_mode", "scope", "state", "nonce", "code_challenge", "code_challenge_method":
					problems = append(problems, fmt.Sprintf("OIDC_AUTH_PARAMS: %s is Casework's to set, not the configuration's", k))
				default:
					s.AuthParams[k] = vs[0]
				}
			}
		}
		if len(s.ProviderName) > 60 {
			problems = append(problems, "OIDC_PROVIDER_NAME: longer than 60 characters (it is the sign-in button's label)")
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("PASSWORD_SIGN_IN"))); v {
	case "", "on":
	case "off":
		s.PasswordsOff = true
		if s.Issuer == "" {
			problems = append(problems, "PASSWORD_SIGN_IN: off, but OIDC_ISSUER is not set (nobody could sign in)")
		}
		if s.BreakGlassEmail == "" {
			problems = append(problems, "BREAK_GLASS_EMAIL: not set, but PASSWORD_SIGN_IN is off (name the administrator who may still use a password when the provider is down)")
		}
	default:
		problems = append(problems, fmt.Sprintf("PASSWORD_SIGN_IN: %q is not on or off", v))
	}
	if s.BreakGlassEmail != "" {
		if a, err := mail.ParseAddress(s.BreakGlassEmail); err != nil || a.Address != s.BreakGlassEmail {
			problems = append(problems, fmt.Sprintf("BREAK_GLASS_EMAIL: %q is not an e-mail address", s.BreakGlassEmail))
		} else if !s.PasswordsOff {
			problems = append(problems, "BREAK_GLASS_EMAIL: set, but PASSWORD_SIGN_IN is not off (everyone may use a password)")
		}
	}
	return s, problems
}

// webURL says what is wrong with an absolute address the browser or the
// server reaches: it must be https, or http on this machine's loopback.
func webURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "is not an absolute https:// address"
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "is not https (plain http is allowed on the loopback only)"
		}
	}
	if u.Fragment != "" || u.User != nil {
		return "has a fragment or a user name"
	}
	return ""
}
