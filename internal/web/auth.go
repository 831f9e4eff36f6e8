package web

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/auth"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// Session keys: who signed in, and the role they had then (a change of role
// renews the session token).
const (
	sessionPersonKey = "person_id"
	sessionRoleKey   = "role"
	sessionSinceKey  = "signed_in_at" // unix nanoseconds of the sign-in
	// sessionResetNoticeKey: the words of a recent password reset, shown on
	// every page of the session (resetnotice.go).
	sessionResetNoticeKey = "reset_notice"
)

// The one message for a failed sign-in: it must not tell whether the email
// has an account.
const signInProblem = "That email and password do not match an account. Check both and try again."

// The lockout message is the same for every email typed, account or not.
const lockedProblem = "Too many failed attempts. Wait 15 minutes and try again, or ask your administrator to reset your password."

func (app *App) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := viewerFrom(r.Context()); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	app.render(w, r, http.StatusOK, views.LoginPage(app.chrome(r, "Sign in", ""), app.loginView(r)))
}

// clientAddr is the address the request came from, without the port.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// origin is the anonymous viewer of a signed-out request, for the audit log.
func origin(r *http.Request) access.Viewer {
	return access.Viewer{Addr: clientAddr(r), RequestID: middleware.GetReqID(r.Context())}
}

func (app *App) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Sign in", "The form could not be read. Please try again.")
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	password := r.PostForm.Get("password")
	form := app.loginView(r) // the provider's button, if any (oidc.go)
	form.Email = email
	show := func(status int, problem string) {
		form.Problem = problem
		app.render(w, r, status, views.LoginPage(app.chrome(r, "Sign in", ""), form))
	}
	if email == "" || password == "" {
		show(http.StatusUnprocessableEntity, "Enter both your email and your password.")
		return
	}
	if len(password) > auth.MaxPasswordLength {
		password = password[:auth.MaxPasswordLength] // bounded work; such a password cannot match
	}
	// The attempt is counted before the password is checked, atomically
	// with the counts that decide whether it may be (store.TakeLoginAttempt):
	// no burst of simultaneous attempts gets more tries than the lockout
	// allows. A locked email or address is refused here, without hashing.
	addr := clientAddr(r)
	attempt, err := app.store.TakeLoginAttempt(r.Context(), email, addr, app.now(), app.throttle.Window, app.throttle.MaxPerAccount, app.throttle.MaxPerAddress)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if attempt.Locked {
		w.Header().Set("Retry-After", retryAfter(attempt.RetryAt.Sub(app.now())))
		show(http.StatusTooManyRequests, lockedProblem)
		return
	}
	release, ok := app.enterHashing(r)
	if !ok {
		// Too many checks running or waiting: this one was not evaluated,
		// so it is no failure.
		if err := app.store.ReleaseLoginAttempt(r.Context(), attempt); err != nil {
			app.serverError(w, r, err)
			return
		}
		app.busy(w, r, "Sign in")
		return
	}
	cred, err := app.store.CredentialsByEmail(r.Context(), email)
	ok = false
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && (cred.PasswordHash == "" || !cred.Active)):
		auth.CheckNoAccount(password) // the same time as a real check
	case err == nil && app.passwordRefused(r.Context(), email, cred): // passwords off, not the break-glass administrator (oidc.go)
		auth.CheckNoAccount(password)
	case err != nil:
		release()
		app.serverError(w, r, err)
		return
	default:
		if ok, err = auth.CheckPassword(cred.PasswordHash, password); err != nil {
			release()
			app.serverError(w, r, err)
			return
		}
	}
	release()
	if !ok {
		// Already counted: the failure needs only its audit entry.
		_ = app.store.Audit(r.Context(), origin(r), store.AuditEntry{Action: "sign_in_failed", Entity: "session", Detail: map[string]any{"email": strings.ToLower(email)}})
		app.sleep(app.throttle.Delay(attempt.Before))
		show(http.StatusUnauthorized, signInProblem)
		return
	}
	// A new token at sign-in: a token planted before sign-in is worthless.
	if err := app.sessions.RenewToken(r.Context()); err != nil {
		app.serverError(w, r, err)
		return
	}
	v, err := app.store.ViewerByID(r.Context(), cred.PersonID)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.sessions.Put(r.Context(), sessionPersonKey, cred.PersonID)
	app.sessions.Put(r.Context(), sessionRoleKey, string(v.Role))
	app.sessions.Put(r.Context(), sessionSinceKey, cred.At.UnixNano())
	if err := app.store.ClearLoginFailures(r.Context(), email); err != nil {
		app.serverError(w, r, err)
		return
	}
	if err := app.putResetNotice(r, cred.PersonID); err != nil {
		app.serverError(w, r, err)
		return
	}
	v.Addr, v.RequestID = origin(r).Addr, origin(r).RequestID
	if err := app.store.Audit(r.Context(), v, store.AuditEntry{Action: "signed_in", Entity: "session"}); err != nil {
		app.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (app *App) logout(w http.ResponseWriter, r *http.Request) {
	endSession := app.ssoEndSession(r) // the provider's sign-out, if signed in through it (oidc.go)
	if v, ok := viewerFrom(r.Context()); ok {
		if err := app.store.Audit(r.Context(), v, store.AuditEntry{Action: "signed_out", Entity: "session"}); err != nil {
			app.serverError(w, r, err)
			return
		}
	}
	if err := app.sessions.Destroy(r.Context()); err != nil {
		app.serverError(w, r, err)
		return
	}
	if endSession != "" {
		app.signedOutPage(w, r, endSession)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// authenticate puts the signed-in person, if any, into the request context.
// The person is read from the database on every request, so a deactivated
// account or a changed role takes effect at once; a changed role also gets a
// new session token.
func (app *App) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := app.sessions.GetInt64(r.Context(), sessionPersonKey)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		v, err := app.store.ViewerByID(r.Context(), id)
		if errors.Is(err, store.ErrNotFound) {
			_ = app.sessions.Destroy(r.Context())
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			app.serverError(w, r, err)
			return
		}
		// A session begun before a reset, a deactivation or a password
		// change elsewhere is over. Both moments are the database's clock.
		if !v.SessionsValidAfter.IsZero() && time.Unix(0, app.sessions.GetInt64(r.Context(), sessionSinceKey)).Before(v.SessionsValidAfter) {
			_ = app.sessions.Destroy(r.Context())
			next.ServeHTTP(w, r)
			return
		}
		if string(v.Role) != app.sessions.GetString(r.Context(), sessionRoleKey) {
			if err := app.sessions.RenewToken(r.Context()); err != nil {
				app.serverError(w, r, err)
				return
			}
			app.sessions.Put(r.Context(), sessionRoleKey, string(v.Role))
		}
		app.ssoSignedIn(r.Context(), &v) // oidc.go
		o := origin(r)
		v.Addr, v.RequestID = o.Addr, o.RequestID
		next.ServeHTTP(w, r.WithContext(withViewer(r.Context(), v)))
	})
}

// requireSignIn sends a signed-out person to the sign-in page, and a person
// with a temporary password to the page where they choose their own.
func (app *App) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := viewerFrom(r.Context())
		if !ok {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			app.errorPage(w, r, http.StatusUnauthorized, "Signed out", "Your session has ended. Sign in again; nothing was changed by this request.")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		if v.MustChangePassword && r.URL.Path != "/password" {
			http.Redirect(w, r, "/password", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireRole admits only the roles given; anyone else gets the same answer
// as for a page that does not exist.
func (app *App) requireRole(roles ...access.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v, _ := viewerFrom(r.Context())
			if !v.Is(roles...) {
				app.notFound(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
