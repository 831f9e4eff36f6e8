package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/auth"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

const sessionPersonKey = "person_id"

// The one message for a failed sign-in: it must not tell whether the email
// has an account.
const signInProblem = "That email and password do not match an account. Check both and try again."

func (app *App) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := viewerFrom(r.Context()); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	app.render(w, r, http.StatusOK, views.LoginPage(app.chrome(r, "Sign in", ""), views.LoginForm{}))
}

func (app *App) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Sign in", "The form could not be read. Please try again.")
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	password := r.PostForm.Get("password")
	form := views.LoginForm{Email: email}
	if email == "" || password == "" {
		form.Problem = "Enter both your email and your password."
		app.render(w, r, http.StatusUnprocessableEntity, views.LoginPage(app.chrome(r, "Sign in", ""), form))
		return
	}
	cred, err := app.store.CredentialsByEmail(r.Context(), email)
	ok := false
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && (cred.PasswordHash == "" || !cred.Active)):
		auth.CheckNoAccount(password) // the same time as a real check
	case err != nil:
		app.serverError(w, r, err)
		return
	default:
		ok, err = auth.CheckPassword(cred.PasswordHash, password)
		if err != nil {
			app.serverError(w, r, err)
			return
		}
	}
	if !ok {
		form.Problem = signInProblem
		app.render(w, r, http.StatusUnauthorized, views.LoginPage(app.chrome(r, "Sign in", ""), form))
		return
	}
	// A new token at sign-in: a token planted before sign-in is worthless.
	if err := app.sessions.RenewToken(r.Context()); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.sessions.Put(r.Context(), sessionPersonKey, cred.PersonID)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (app *App) logout(w http.ResponseWriter, r *http.Request) {
	if err := app.sessions.Destroy(r.Context()); err != nil {
		app.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// authenticate puts the signed-in person, if any, into the request context.
// The person is read from the database on every request, so a deactivated
// account or a changed role takes effect at once.
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
		next.ServeHTTP(w, r.WithContext(withViewer(r.Context(), v)))
	})
}

// requireSignIn sends a signed-out person to the sign-in page.
func (app *App) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := viewerFrom(r.Context()); !ok {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			app.errorPage(w, r, http.StatusUnauthorized, "Signed out", "Your session has ended. Sign in again; nothing was changed by this request.")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
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
