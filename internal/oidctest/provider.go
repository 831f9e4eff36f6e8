// Package oidctest runs a real OpenID Connect provider on the loopback, for
// tests: github.com/zitadel/oidc's provider (pkg/op), with discovery, a JWKS
// endpoint, the authorization and token endpoints, userinfo and end-session,
// and a small sign-in page of its own. Its storage is in memory, modelled on
// that project's example server. It signs real JWTs with its own RSA keys;
// a test may rotate the key, or tell it to mint the next tokens for another
// audience, with a past expiry, or with another nonce, to see Casework refuse
// them.
package oidctest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// User is an account at the provider.
type User struct {
	Subject       string
	Username      string // typed on the provider's sign-in page
	Password      string
	Email         string
	EmailVerified bool
	Name          string
}

// Provider is a running OpenID provider.
type Provider struct {
	Issuer       string // http://127.0.0.1:PORT
	ClientID     string
	ClientSecret string

	srv *httptest.Server
	st  *storage
}

// Start runs a provider on the loopback until the test ends. Casework is its
// one client, allowed to come back to redirectURL (and to be sent to
// postLogoutURL after signing out).
func Start(t *testing.T, redirectURL, postLogoutURL string, users ...User) *Provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	st := &storage{
		users:    map[string]User{},
		requests: map[string]*authRequest{},
		codes:    map[string]string{},
		tokens:   map[string]accessToken{},
		client:   client{id: "casework", secret: "casework-test-secret", redirect: redirectURL, postLogout: postLogoutURL},
	}
	for _, u := range users {
		st.users[u.Username] = u
	}
	st.RotateKey()
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:                sha256.Sum256([]byte("oidctest")),
		DefaultLogoutRedirectURI: "/signed-out",
		CodeMethodS256:           true,
		AuthMethodPost:           true,
	}, st, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{Issuer: issuer, ClientID: st.client.id, ClientSecret: st.client.secret, st: st}
	r := chi.NewRouter()
	interceptor := op.NewIssuerInterceptor(provider.IssuerFromRequest)
	callback := op.AuthCallbackURL(provider)
	r.Get("/login", p.loginPage)
	r.Post("/login", interceptor.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.login(w, r, callback) }))
	r.Get("/signed-out", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("signed out at the provider")) })
	r.Mount("/", provider)
	p.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}}
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	return p
}

// Stop shuts the provider down before the test ends: a provider that is away.
func (p *Provider) Stop() { p.srv.Close() }

// AddUser adds (or replaces) an account.
func (p *Provider) AddUser(u User) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.users[u.Username] = u
}

// RotateKey signs from now on with a new key under a new key id, and
// publishes only that one: a relying party must fetch the keys again.
func (p *Provider) RotateKey() { p.st.RotateKey() }

// KeyID is the id of the key tokens are signed with now.
func (p *Provider) KeyID() string {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	return p.st.key.id
}

// Mint changes the tokens of the sign-ins begun from now on. Zero values:
// as asked for.
type Mint struct {
	Audience string // mint for this client id instead of the one that asked
	// AudienceAlso are further audiences of the token (with Audience, a
	// token for another party that also names the one that asked).
	AudienceAlso []string
	Lifetime     time.Duration // the ID token's lifetime; negative: already expired
	Nonce        string        // put this nonce in the token instead of the one asked for
	// ClaimsByUserinfoOnly leaves e-mail and name out of the ID token; they
	// are given by the userinfo endpoint only.
	ClaimsByUserinfoOnly bool
	// ForgedSignature signs with a key that is not the published one, under
	// the published key's id: what a forger without the provider's key does.
	ForgedSignature bool
}

// SetMint sets how the next sign-ins' tokens are minted.
func (p *Provider) SetMint(m Mint) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.mint = m
}

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Agency sign-in</title></head>
<body><main><h1>Agency sign-in</h1>
{{if .Problem}}<p role="alert" id="problem">{{.Problem}}</p>{{end}}
<form method="post" action="/login">
<input type="hidden" name="id" value="{{.ID}}">
<label for="username">User name</label> <input id="username" name="username" autocomplete="username">
<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit" id="provider-sign-in">Sign in</button>
</form></main></body></html>`))

func (p *Provider) loginPage(w http.ResponseWriter, r *http.Request) {
	_ = loginTemplate.Execute(w, map[string]string{"ID": r.URL.Query().Get("authRequestID")})
}

func (p *Provider) login(w http.ResponseWriter, r *http.Request, callback func(context.Context, string) string) {
	id := r.PostFormValue("id")
	if err := p.st.complete(id, r.PostFormValue("username"), r.PostFormValue("password")); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		_ = loginTemplate.Execute(w, map[string]string{"ID": id, "Problem": err.Error()})
		return
	}
	http.Redirect(w, r, callback(r.Context(), id), http.StatusFound)
}

// The storage: in memory, one client.

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

type publicKey struct{ signingKey }

func (k *publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *publicKey) Use() string                        { return "sig" }
func (k *publicKey) Key() any                           { return &k.key.PublicKey }

type client struct {
	id, secret, redirect, postLogout string
	mintFor                          string // the id it answers to while minting for another audience
	lifetime                         time.Duration
	claimsInIDToken                  bool
}

func (c *client) GetID() string {
	if c.mintFor != "" {
		return c.mintFor
	}
	return c.id
}
func (c *client) RedirectURIs() []string              { return []string{c.redirect} }
func (c *client) PostLogoutRedirectURIs() []string    { return []string{c.postLogout} }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType         { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c *client) LoginURL(id string) string            { return "/login?authRequestID=" + id }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration       { return c.lifetime }
func (c *client) DevMode() bool                        { return true } // http redirect URIs on the loopback
func (c *client) IsScopeAllowed(string) bool           { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return c.claimsInIDToken }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

type authRequest struct {
	id, clientID, redirectURI, state, nonce string
	scopes                                  []string
	challenge                               *oidc.CodeChallenge
	responseType                            oidc.ResponseType
	responseMode                            oidc.ResponseMode
	subject                                 string
	authTime                                time.Time
	done                                    bool
	audience                                []string // beyond the client's own
}

func (a *authRequest) GetID() string                         { return a.id }
func (a *authRequest) GetACR() string                        { return "" }
func (a *authRequest) GetAMR() []string                      { return []string{"pwd"} }
func (a *authRequest) GetAudience() []string                 { return append([]string{a.clientID}, a.audience...) }
func (a *authRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *authRequest) GetClientID() string                   { return a.clientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *authRequest) GetNonce() string                      { return a.nonce }
func (a *authRequest) GetRedirectURI() string                { return a.redirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType    { return a.responseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode    { return a.responseMode }
func (a *authRequest) GetScopes() []string                   { return a.scopes }
func (a *authRequest) GetState() string                      { return a.state }
func (a *authRequest) GetSubject() string                    { return a.subject }
func (a *authRequest) Done() bool                            { return a.done }

type accessToken struct {
	subject string
	scopes  []string
	expires time.Time
}

type storage struct {
	mu       sync.Mutex
	users    map[string]User
	requests map[string]*authRequest
	codes    map[string]string // code → request id
	tokens   map[string]accessToken
	client   client
	key      signingKey
	keys     int
	forger   *rsa.PrivateKey // never published (Mint.ForgedSignature)
	mint     Mint
}

var errNotFound = errors.New("not found")

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

func (s *storage) RotateKey() {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys++
	s.key = signingKey{id: "key-" + strconv.Itoa(s.keys), key: k}
}

func (s *storage) complete(id, username, password string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, ok := s.requests[id]
	if !ok {
		return errors.New("this sign-in request is unknown or over")
	}
	u, ok := s.users[username]
	if !ok || u.Password != password {
		return errors.New("wrong user name or password")
	}
	req.subject, req.authTime, req.done = u.Subject, time.Now(), true
	return nil
}

func (s *storage) userBySubject(sub string) (User, bool) {
	for _, u := range s.users {
		if u.Subject == sub {
			return u, true
		}
	}
	return User{}, false
}

// clientFor is the client as the provider sees it under the request's mint.
func (s *storage) clientFor(m Mint) *client {
	c := s.client
	c.mintFor = m.Audience
	c.lifetime = time.Hour
	if m.Lifetime != 0 {
		c.lifetime = m.Lifetime
	}
	c.claimsInIDToken = !m.ClaimsByUserinfoOnly
	return &c
}

func (s *storage) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &authRequest{id: newID(), clientID: r.ClientID, redirectURI: r.RedirectURI, state: r.State, nonce: r.Nonce,
		scopes: r.Scopes, responseType: r.ResponseType, responseMode: r.ResponseMode}
	if r.CodeChallenge != "" {
		a.challenge = &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod}
	}
	a.audience = s.mint.AudienceAlso
	if s.mint.Audience != "" {
		a.clientID = s.mint.Audience
	}
	if s.mint.Nonce != "" {
		a.nonce = s.mint.Nonce
	}
	s.requests[a.id] = a
	return a, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.requests[id]; ok {
		return a, nil
	}
	return nil, errNotFound
}

func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.requests[s.codes[code]]; ok {
		return a, nil
	}
	return nil, errNotFound
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = id
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	for c, rid := range s.codes {
		if rid == id {
			delete(s.codes, c)
		}
	}
	return nil
}

func (s *storage) CreateAccessToken(_ context.Context, r op.TokenRequest) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, exp := newID(), time.Now().Add(time.Hour)
	s.tokens[id] = accessToken{subject: r.GetSubject(), scopes: r.GetScopes(), expires: exp}
	return id, exp, nil
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("no refresh tokens here")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, errNotFound
}

func (s *storage) TerminateSession(context.Context, string, string) error { return nil }

func (s *storage) RevokeToken(_ context.Context, id, _, _ string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, id)
	return nil
}

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.key
	if s.mint.ForgedSignature {
		if s.forger == nil {
			var err error
			if s.forger, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				return nil, err
			}
		}
		k.key = s.forger
	}
	return &k, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return []op.Key{&publicKey{s.key}}, nil
}

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != s.client.id && (s.mint.Audience == "" || id != s.mint.Audience) {
		return nil, errNotFound
	}
	return s.clientFor(s.mint), nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if id != s.client.id || secret != s.client.secret {
		return errors.New("wrong client or secret")
	}
	return nil
}

func (s *storage) setUserinfo(info *oidc.UserInfo, subject string, scopes []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.userBySubject(subject)
	if !ok {
		return errNotFound
	}
	info.Subject = u.Subject
	if slices.Contains(scopes, oidc.ScopeEmail) {
		info.Email, info.EmailVerified = u.Email, oidc.Bool(u.EmailVerified)
	}
	if slices.Contains(scopes, oidc.ScopeProfile) {
		info.Name, info.PreferredUsername = u.Name, u.Username
	}
	return nil
}

func (s *storage) SetUserinfoFromScopes(_ context.Context, info *oidc.UserInfo, userID, _ string, scopes []string) error {
	return s.setUserinfo(info, userID, scopes)
}

func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	tok, ok := s.tokens[tokenID]
	s.mu.Unlock()
	if !ok || time.Now().After(tok.expires) {
		return errors.New("token is invalid or has expired")
	}
	return s.setUserinfo(info, tok.subject, tok.scopes)
}

func (s *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errors.New("no introspection here")
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotFound
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("no JWT profile here")
}

func (s *storage) Health(context.Context) error { return nil }

// Authorize does what a browser does from the relying party's sign-in
// address start: follows the redirects to the provider, fills in its
// sign-in page as the user, and follows the provider's answer up to the
// redirect to callbackPrefix (the relying party's callback), which it
// returns unvisited, with its code and state. c must keep cookies and not
// follow redirects itself.
func (p *Provider) Authorize(c *http.Client, start, callbackPrefix, username, password string) (string, error) {
	next := start
	var form url.Values
	for range 10 {
		var resp *http.Response
		var err error
		if form != nil {
			resp, err = c.PostForm(next, form)
			form = nil
		} else {
			resp, err = c.Get(next)
		}
		if err != nil {
			return "", err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
			return "", fmt.Errorf("%s: %d %s", next, resp.StatusCode, body)
		}
		loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
		if err != nil {
			return "", err
		}
		switch {
		case strings.HasPrefix(loc.String(), callbackPrefix):
			return loc.String(), nil
		case loc.Path == "/login" && "http://"+loc.Host == p.Issuer:
			// The provider's sign-in page: its form, filled in.
			form = url.Values{"id": {loc.Query().Get("authRequestID")}, "username": {username}, "password": {password}}
			next = p.Issuer + "/login"
		default:
			next = loc.String()
		}
	}
	return "", errors.New("no way back to the relying party after 10 redirects")
}
