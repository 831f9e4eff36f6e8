// Package sso is the relying-party side of single sign-on through the
// agency's OpenID Connect provider: the authorization code flow with PKCE,
// state and nonce, and the verification of the ID token (issuer, audience,
// expiry, signature against the provider's published keys, fetched again
// when the provider rotates them). It uses github.com/coreos/go-oidc/v3 for
// discovery and token verification and golang.org/x/oauth2 for the code
// exchange; it decides nothing about who may come in (internal/web does,
// from Casework's own people).
package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config is how Casework is registered with the provider.
type Config struct {
	Issuer       string // OIDC_ISSUER: exactly as the provider's discovery document names itself
	ClientID     string // OIDC_CLIENT_ID
	ClientSecret string // OIDC_CLIENT_SECRET
	RedirectURL  string // OIDC_REDIRECT_URL: https://casework.example.gov/login/oidc/callback
	// EmailClaim names the claim with the person's e-mail (OIDC_EMAIL_CLAIM,
	// default "email"); EmailVerifiedClaim the claim that says the provider
	// verified it (OIDC_EMAIL_VERIFIED_CLAIM, default "email_verified").
	EmailClaim         string
	EmailVerifiedClaim string
	// Scopes asked for besides openid (default email and profile).
	Scopes []string
	// AuthParams are added to the authorization request (OIDC_AUTH_PARAMS),
	// e.g. acr_values, prompt, or Google's hd.
	AuthParams map[string]string
	// PostLogoutRedirectURL is where the provider sends a person back after
	// signing out there (default: the sign-in page beside RedirectURL).
	PostLogoutRedirectURL string
	// HTTPClient talks to the provider (default: 10-second timeout).
	HTTPClient *http.Client
	// Now is the clock tokens are checked against: the provider's, real
	// time, not the agency's calendar (default time.Now).
	Now func() time.Time
	// PendingLifetime bounds the time between leaving for the provider and
	// coming back (default 10 minutes).
	PendingLifetime time.Duration
}

// Client is the relying party. Discovery happens at the first use and is
// retried on the next one if the provider could not be reached, so an
// instance starts (and passwords work) while the provider is away.
type Client struct {
	cfg Config
	ctx context.Context // carries the HTTP client into go-oidc's key fetches

	mu         sync.Mutex
	provider   *oidc.Provider
	verifier   *oidc.IDTokenVerifier
	oauth      oauth2.Config
	endSession string
}

// New checks the configuration; it does not reach the provider.
func New(cfg Config) (*Client, error) {
	var problems []string
	for _, f := range []struct{ name, v string }{
		{"OIDC_ISSUER", cfg.Issuer}, {"OIDC_CLIENT_ID", cfg.ClientID}, {"OIDC_REDIRECT_URL", cfg.RedirectURL},
	} {
		if strings.TrimSpace(f.v) == "" {
			problems = append(problems, f.name+": not set")
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("single sign-on: %s", strings.Join(problems, "; "))
	}
	if cfg.EmailClaim == "" {
		cfg.EmailClaim = "email"
	}
	if cfg.EmailVerifiedClaim == "" {
		cfg.EmailVerifiedClaim = "email_verified"
	}
	if cfg.Scopes == nil {
		cfg.Scopes = []string{"email", "profile"}
	}
	cfg.Scopes = slices.DeleteFunc(slices.Clone(cfg.Scopes), func(s string) bool { return s == oidc.ScopeOpenID }) // asked for anyway
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PendingLifetime == 0 {
		cfg.PendingLifetime = 10 * time.Minute
	}
	if cfg.PostLogoutRedirectURL == "" {
		if u, err := url.Parse(cfg.RedirectURL); err == nil {
			cfg.PostLogoutRedirectURL = (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/login"}).String()
		}
	}
	return &Client{cfg: cfg, ctx: oidc.ClientContext(context.Background(), cfg.HTTPClient)}, nil
}

// Issuer is the provider's issuer, as configured (and as the tokens must name it).
func (c *Client) Issuer() string { return c.cfg.Issuer }

// discover reads the provider's discovery document once.
func (c *Client) discover(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return nil
	}
	// The request's deadline bounds discovery; the key set keeps c.ctx (no
	// deadline) for its later fetches.
	dctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
	defer cancel()
	if d, ok := ctx.Deadline(); ok {
		var cancel2 context.CancelFunc
		dctx, cancel2 = context.WithDeadline(dctx, d)
		defer cancel2()
	}
	p, err := oidc.NewProvider(dctx, c.cfg.Issuer)
	if err != nil {
		return fmt.Errorf("sso: discovery at %s: %w", c.cfg.Issuer, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&extra); err != nil {
		return fmt.Errorf("sso: discovery document: %w", err)
	}
	// The key set the provider publishes (jwks_uri), fetched again whenever
	// a token names a key it does not hold: a rotation. It keeps c.ctx, with
	// the HTTP client, for its later fetches.
	c.verifier = p.VerifierContext(c.ctx, &oidc.Config{ClientID: c.cfg.ClientID, Now: c.cfg.Now})
	c.oauth = oauth2.Config{
		ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: append([]string{oidc.ScopeOpenID}, c.cfg.Scopes...),
	}
	c.endSession = extra.EndSession
	c.provider = p
	return nil
}

// Pending is what the browser's session keeps, server-side, between leaving
// for the provider and coming back: used once.
type Pending struct {
	State    string    `json:"state"`
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"` // PKCE code verifier
	Begun    time.Time `json:"begun"`
}

// Encode and DecodePending turn a Pending into the session's string and back.
func (p Pending) Encode() string {
	b, _ := json.Marshal(p)
	return string(b)
}

func DecodePending(s string) (Pending, bool) {
	var p Pending
	if s == "" || json.Unmarshal([]byte(s), &p) != nil || p.State == "" {
		return Pending{}, false
	}
	return p, true
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Begin starts a sign-in: the address of the provider's sign-in page and
// what to keep until the person comes back.
func (c *Client) Begin(ctx context.Context) (string, Pending, error) {
	if err := c.discover(ctx); err != nil {
		return "", Pending{}, err
	}
	p := Pending{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), Begun: c.cfg.Now()}
	opts := []oauth2.AuthCodeOption{oidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier)}
	for k, v := range c.cfg.AuthParams {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	u := c.oauth.AuthCodeURL(p.State, opts...)
	return u, p, nil
}

// Identity is who the provider says signed in, from a verified ID token.
type Identity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	IDToken       string // the raw token, kept as the hint for signing out at the provider
}

// Refusal is a sign-in that did not complete. Reason is a short code for
// the audit log; Issuer and Subject are what is known of who tried (the
// subject unverified when the token itself was refused).
type Refusal struct {
	Reason          string // state, expired, provider_error, code_exchange, id_token, expired_token, authorized_party, nonce
	Issuer          string
	Subject         string
	SubjectVerified bool // the subject is from a token whose signature, issuer, audience and expiry were verified
	Err             error
}

func (r *Refusal) Error() string {
	return "sso: sign-in refused (" + r.Reason + "): " + fmt.Sprint(r.Err)
}
func (r *Refusal) Unwrap() error { return r.Err }

// Finish completes a sign-in from the provider's answer (the callback's
// query) and the Pending kept when it began. Every failure is a *Refusal,
// except that the provider cannot be reached (a plain error).
func (c *Client) Finish(ctx context.Context, pend Pending, ok bool, q url.Values) (Identity, error) {
	refuse := func(reason string, err error) (Identity, error) {
		return Identity{}, &Refusal{Reason: reason, Issuer: c.cfg.Issuer, Err: err}
	}
	if !ok || subtle.ConstantTimeCompare([]byte(pend.State), []byte(q.Get("state"))) != 1 || q.Get("state") == "" {
		return refuse("state", errors.New("the state does not match a sign-in begun in this browser (replayed, or begun elsewhere)"))
	}
	if c.cfg.Now().Sub(pend.Begun) > c.cfg.PendingLifetime {
		return refuse("expired", errors.New("the sign-in began too long ago"))
	}
	if e := q.Get("error"); e != "" {
		return refuse("provider_error", fmt.Errorf("the provider answered %q", e))
	}
	code := q.Get("code")
	if code == "" {
		return refuse("provider_error", errors.New("no code in the provider's answer"))
	}
	if err := c.discover(ctx); err != nil {
		return Identity{}, err
	}
	tok, err := c.oauth.Exchange(oidc.ClientContext(ctx, c.cfg.HTTPClient), code, oauth2.VerifierOption(pend.Verifier))
	if err != nil {
		return refuse("code_exchange", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return refuse("id_token", errors.New("the token response has no id_token"))
	}
	idt, err := c.verifier.Verify(ctx, raw)
	if err != nil {
		r := &Refusal{Reason: "id_token", Issuer: c.cfg.Issuer, Subject: unverifiedSubject(raw), Err: err}
		var exp *oidc.TokenExpiredError
		if errors.As(err, &exp) {
			r.Reason = "expired_token"
		}
		return Identity{}, r
	}
	// A token for several audiences must have been issued to Casework
	// (OpenID Connect Core 3.1.3.7, points 4 and 5): go-oidc checks only
	// that Casework is among them.
	var azp struct {
		AZP string `json:"azp"`
	}
	_ = idt.Claims(&azp)
	if (azp.AZP != "" && azp.AZP != c.cfg.ClientID) || (len(idt.Audience) > 1 && azp.AZP == "") {
		return Identity{}, &Refusal{Reason: "authorized_party", Issuer: idt.Issuer, Subject: idt.Subject, SubjectVerified: true,
			Err: fmt.Errorf("the ID token was issued to %q, not this client", azp.AZP)}
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(pend.Nonce)) != 1 {
		return Identity{}, &Refusal{Reason: "nonce", Issuer: idt.Issuer, Subject: idt.Subject, SubjectVerified: true, Err: errors.New("the ID token's nonce is not this sign-in's")}
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, &Refusal{Reason: "id_token", Issuer: idt.Issuer, Subject: idt.Subject, Err: err}
	}
	id := Identity{Issuer: idt.Issuer, Subject: idt.Subject, IDToken: raw}
	if _, has := claims[c.cfg.EmailClaim]; !has && c.provider.UserInfoEndpoint() != "" {
		// Some providers put the e-mail in the userinfo answer only. It
		// counts only for the same subject (OpenID Connect Core 5.3.2).
		if ui, err := c.provider.UserInfo(oidc.ClientContext(ctx, c.cfg.HTTPClient), oauth2.StaticTokenSource(tok)); err == nil && ui.Subject == idt.Subject {
			var more map[string]any
			if ui.Claims(&more) == nil {
				for k, v := range more {
					if _, dup := claims[k]; !dup {
						claims[k] = v
					}
				}
			}
		}
	}
	id.Email, _ = claims[c.cfg.EmailClaim].(string)
	id.EmailVerified = truthy(claims[c.cfg.EmailVerifiedClaim])
	id.Name, _ = claims["name"].(string)
	return id, nil
}

// truthy reads a boolean claim; a few providers send "true" as a string.
func truthy(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return b == "true"
	}
	return false
}

// unverifiedSubject reads the sub of a token that failed verification, for
// the audit log only (marked unverified there).
func unverifiedSubject(raw string) string {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Sub string `json:"sub"`
	}
	if json.Unmarshal(b, &c) != nil || len(c.Sub) > 255 {
		return ""
	}
	return c.Sub
}

// EndSessionURL is the provider's sign-out address for a person who signed
// in with idToken, if the provider publishes one (RP-Initiated Logout 1.0);
// empty otherwise.
func (c *Client) EndSessionURL(ctx context.Context, idToken string) string {
	// Signing out of Casework does not wait long for a provider that is away.
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if c.discover(ctx) != nil || c.endSession == "" {
		return ""
	}
	u, err := url.Parse(c.endSession)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("client_id", c.cfg.ClientID)
	if idToken != "" {
		q.Set("id_token_hint", idToken)
	}
	if c.cfg.PostLogoutRedirectURL != "" {
		q.Set("post_logout_redirect_uri", c.cfg.PostLogoutRedirectURL)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
