package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/sso"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// Single sign-on through the agency's OpenID Connect provider
// (docs/security.md, "Single sign-on"). The provider says who signed in;
// Casework decides whether that is one of its people, and their role is
// Casework's, never the provider's.

// SSO is the web tier's single sign-on setting; nil in Config: off.
type SSO struct {
	Client       *sso.Client
	ProviderName string // the button says "Sign in with ProviderName"
	// PasswordsOff refuses password sign-in to everyone but the active
	// administrator whose e-mail is BreakGlassEmail.
	PasswordsOff    bool
	BreakGlassEmail string
}

// Session keys of single sign-on.
const (
	ssoPendingKey    = "sso_pending"    // state, nonce and PKCE verifier of a sign-in under way: used once
	sessionMethodKey = "signed_in_with" // "sso" for a sign-in through the provider
	ssoIDTokenKey    = "sso_id_token"   // the provider's ID token, the hint for signing out there
)

// The answers to a refused sign-in through the provider. Unknown and
// deactivated people get the same words.
const (
	ssoNoAccount = "Casework has no active account for the person you signed in as. Ask your Casework administrator to add you, with the e-mail address your agency account uses, or to link your account."
	ssoBroken    = "The sign-in could not be completed: it may have been started in another tab or window, or taken too long. Start again from the sign-in page."
	ssoAway      = "The agency's sign-in service cannot be reached just now. Try again in a few minutes."
)

func init() { doneMessages["sso"] = "Saved." }

// loginView is what the sign-in page shows of single sign-on.
func (app *App) loginView(r *http.Request) views.LoginForm {
	if app.sso == nil {
		return views.LoginForm{}
	}
	return views.LoginForm{SSO: views.SSOLogin{ProviderName: app.sso.ProviderName, PasswordsOff: app.sso.PasswordsOff,
		BreakGlass: r.Method == http.MethodPost || r.URL.Query().Get("break-glass") != ""}}
}

// passwordRefused says whether a password sign-in for the email is refused
// because passwords are off: for everyone but the break-glass
// administrator. The caller answers as for a wrong password, so the page
// does not tell which e-mail is the break-glass one.
func (app *App) passwordRefused(ctx context.Context, email string, cred store.Credentials) bool {
	if app.sso == nil || !app.sso.PasswordsOff {
		return false
	}
	if strings.ToLower(strings.TrimSpace(email)) != app.sso.BreakGlassEmail {
		return true
	}
	v, err := app.store.ViewerByID(ctx, cred.PersonID)
	return err != nil || v.Role != access.Administrator
}

// ssoStart sends the browser to the provider, keeping in its session (on
// the server) what the answer must match.
func (app *App) ssoStart(w http.ResponseWriter, r *http.Request) {
	if _, ok := viewerFrom(r.Context()); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	to, pend, err := app.sso.Client.Begin(r.Context())
	if err != nil {
		app.log.Warn("single sign-on: provider unreachable", "error", err, "request_id", origin(r).RequestID)
		app.render(w, r, http.StatusServiceUnavailable, views.SSORefusedPage(app.chrome(r, "Sign in", ""), ssoAway, "", "", ""))
		return
	}
	app.sessions.Put(r.Context(), ssoPendingKey, pend.Encode())
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusFound)
}

// ssoCallback is where the provider sends the browser back.
func (app *App) ssoCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// Taken out of the session before anything else: a state is used once.
	pend, ok := sso.DecodePending(app.sessions.PopString(ctx, ssoPendingKey))
	id, err := app.sso.Client.Finish(ctx, pend, ok, r.URL.Query())
	var refusal *sso.Refusal
	switch {
	case errors.As(err, &refusal):
		app.ssoRefused(w, r, http.StatusBadRequest, ssoBroken, refusal.Reason, refusal.Issuer, refusal.Subject, refusal.SubjectVerified, nil)
		return
	case err != nil:
		app.log.Warn("single sign-on: provider unreachable", "error", err, "request_id", origin(r).RequestID)
		app.ssoRefused(w, r, http.StatusServiceUnavailable, ssoAway, "provider_unreachable", app.sso.Client.Issuer(), "", false, nil)
		return
	}
	m, err := app.store.PersonForIdentity(ctx, id.Issuer, id.Subject, id.Email, id.EmailVerified)
	if errors.Is(err, store.ErrNotFound) {
		app.ssoRefused(w, r, http.StatusForbidden, ssoNoAccount, "unknown", id.Issuer, id.Subject, true,
			map[string]any{"email": strings.ToLower(id.Email), "email_verified": id.EmailVerified})
		return
	}
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	v, err := app.store.ViewerByID(ctx, m.PersonID) // active people only
	if errors.Is(err, store.ErrNotFound) || (err == nil && !m.Active) {
		app.ssoRefused(w, r, http.StatusForbidden, ssoNoAccount, "deactivated", id.Issuer, id.Subject, true,
			map[string]any{"person": m.PersonID, "matched_by": m.MatchedBy, "email": strings.ToLower(id.Email)})
		return
	}
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	// A new token at sign-in, as for a password: a token planted before
	// sign-in is worthless.
	if err := app.sessions.RenewToken(ctx); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.sessions.Put(ctx, sessionPersonKey, v.PersonID)
	app.sessions.Put(ctx, sessionRoleKey, string(v.Role))
	app.sessions.Put(ctx, sessionSinceKey, m.At.UnixNano())
	app.sessions.Put(ctx, sessionMethodKey, "sso")
	app.sessions.Put(ctx, ssoIDTokenKey, id.IDToken)
	o := origin(r)
	v.Addr, v.RequestID = o.Addr, o.RequestID
	if err := app.store.Audit(ctx, v, store.AuditEntry{Action: "signed_in", Entity: "session", Detail: map[string]any{
		"method": "sso", "issuer": id.Issuer, "subject": id.Subject, "matched_by": m.MatchedBy}}); err != nil {
		app.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// ssoRefused records a refused sign-in through the provider (who the
// provider said it was, and why) and answers with a page that names no
// internal reason.
func (app *App) ssoRefused(w http.ResponseWriter, r *http.Request, status int, message, reason, issuer, subject string, verified bool, more map[string]any) {
	detail := map[string]any{"method": "sso", "issuer": issuer, "reason": reason}
	if subject != "" {
		if verified {
			detail["subject"] = subject
		} else {
			detail["subject_unverified"] = subject
		}
	}
	for k, v := range more {
		detail[k] = v
	}
	if err := app.store.Audit(r.Context(), origin(r), store.AuditEntry{Action: "sign_in_refused", Entity: "session", Detail: detail}); err != nil {
		app.serverError(w, r, err)
		return
	}
	// A person the provider vouched for but Casework does not let in is told
	// who the provider says they are, for the administrator who adds or
	// links them (the same page for unknown and deactivated).
	var email, who string
	if reason == "unknown" || reason == "deactivated" {
		email, _ = more["email"].(string)
		who = subject
	}
	app.render(w, r, status, views.SSORefusedPage(app.chrome(r, "Not signed in", ""), message, app.sso.ProviderName, email, who))
}

// ssoSignedIn applies to the viewer what a sign-in through the provider
// changes: no temporary password is asked for, since none was used.
func (app *App) ssoSignedIn(ctx context.Context, v *access.Viewer) {
	if app.sessions.GetString(ctx, sessionMethodKey) == "sso" {
		v.MustChangePassword = false
	}
}

// ssoEndSession is the provider's sign-out address for the session being
// ended, if it was begun through the provider and the provider has one.
func (app *App) ssoEndSession(r *http.Request) string {
	if app.sso == nil || app.sessions.GetString(r.Context(), sessionMethodKey) != "sso" {
		return ""
	}
	return app.sso.Client.EndSessionURL(r.Context(), app.sessions.GetString(r.Context(), ssoIDTokenKey))
}

// signedOutPage tells a person who signed in through the provider that
// Casework's session is over, and offers the provider's sign-out.
func (app *App) signedOutPage(w http.ResponseWriter, r *http.Request, endSession string) {
	r = r.WithContext(context.WithValue(r.Context(), viewerKey, nil)) // the page of a signed-out visitor
	app.render(w, r, http.StatusOK, views.SignedOutPage(app.chrome(r, "Signed out", ""), app.sso.ProviderName, endSession))
}

// ssoLink fills a person's administration page with their link to the
// provider (kept as typed when a save was refused).
func (app *App) ssoLink(ctx context.Context, v access.Viewer, personID int64, pv views.SSOLink) (views.SSOLink, error) {
	if app.sso == nil {
		return views.SSOLink{}, nil
	}
	pv.ProviderName = app.sso.ProviderName
	var err error
	if pv.Refused, err = app.store.RefusedSignIns(ctx, v, personID, app.sso.Client.Issuer()); err != nil {
		return pv, err
	}
	for i := range pv.Refused {
		pv.Refused[i].At = pv.Refused[i].At.In(app.loc)
	}
	if pv.Problem != "" {
		return pv, nil // the subject as typed
	}
	pv.Subject, err = app.store.LinkedSubject(ctx, v, personID, app.sso.Client.Issuer())
	return pv, err
}

// linkSubject saves an administrator's link of a person to the provider's
// subject (empty: no link).
func (app *App) linkSubject(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	id, ok := personID(r)
	if !ok || app.sso == nil || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	subject := strings.TrimSpace(r.PostForm.Get("subject"))
	err := app.store.LinkSubject(r.Context(), v, id, app.sso.Client.Issuer(), subject)
	var fe store.FieldErrors
	if errors.As(err, &fe) {
		app.renderPerson(w, r, http.StatusUnprocessableEntity, views.PersonView{SSO: views.SSOLink{Subject: subject, Problem: fe["subject"]}}, true)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/people/"+strconv.FormatInt(id, 10)+"?done=sso", http.StatusSeeOther)
}
