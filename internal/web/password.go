package web

import (
	"net/http"

	"github.com/casework/casework/internal/auth"
	"github.com/casework/casework/web/views"
)

func (app *App) passwordForm(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	app.render(w, r, http.StatusOK, views.PasswordPage(app.chrome(r, "Choose your password", ""), views.PasswordForm{Forced: v.MustChangePassword}))
}

// changePassword checks the current password, applies the password rules to
// the new one, and renews the session token once it is saved.
func (app *App) changePassword(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Choose your password", "The form could not be read. Please try again.")
		return
	}
	current, next, again := r.PostForm.Get("current"), r.PostForm.Get("new"), r.PostForm.Get("confirm")
	form := views.PasswordForm{Forced: v.MustChangePassword, Problems: map[string]string{}}
	hash, err := app.store.PasswordHash(r.Context(), v)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	release, ok := app.enterHashing(r)
	if !ok {
		app.busy(w, r, "Choose your password")
		return
	}
	defer release()
	if ok, _ := auth.CheckPassword(hash, current); !ok || len(current) > auth.MaxPasswordLength {
		form.Problems["current"] = "This is not your current password."
	}
	if msg := auth.CheckNewPassword(next, v.Email); msg != "" {
		form.Problems["new"] = msg
	} else if next == current {
		form.Problems["new"] = "Choose a password different from the current one."
	}
	if again != next {
		form.Problems["confirm"] = "The two new passwords differ."
	}
	if len(form.Problems) > 0 {
		app.render(w, r, http.StatusUnprocessableEntity, views.PasswordPage(app.chrome(r, "Choose your password", ""), form))
		return
	}
	newHash, err := auth.HashPassword(next)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	at, err := app.store.SetPassword(r.Context(), v, newHash)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	if err := app.sessions.RenewToken(r.Context()); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.sessions.Put(r.Context(), sessionSinceKey, at.UnixNano()) // this session goes on; the others end
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
