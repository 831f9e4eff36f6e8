package web

import (
	"fmt"
	"net/http"
	"time"
)

// putResetNotice tells a person signing in, on every page of this session,
// that an administrator reset their password within the last days: who and
// when, and whether anyone signed in to the account between the reset and
// now. An administrator who resets a password can sign in with it; this is
// how the person learns of it (docs/security.md).
func (app *App) putResetNotice(r *http.Request, personID int64) error {
	reset, ok, err := app.store.RecentPasswordReset(r.Context(), personID)
	if err != nil || !ok {
		app.sessions.Remove(r.Context(), sessionResetNoticeKey)
		return err
	}
	when := func(t time.Time) string { return t.In(app.loc).Format("2 January 2006 at 15:04") }
	msg := fmt.Sprintf("Your password was reset by %s on %s. ", reset.By, when(reset.At))
	switch {
	case reset.SignInsSince == 0:
		msg += "No one signed in to your account between the reset and now."
	case reset.SignInsSince == 1:
		msg += fmt.Sprintf("Your account was signed in to once since then, on %s from %s.", when(*reset.LastSignIn), reset.LastSignInFor)
	default:
		msg += fmt.Sprintf("Your account was signed in to %d times since then, the last on %s from %s.", reset.SignInsSince, when(*reset.LastSignIn), reset.LastSignInFor)
	}
	msg += " If you did not ask for the reset, or a sign-in was not yours, tell your casework supervisor and IT now."
	app.sessions.Put(r.Context(), sessionResetNoticeKey, msg)
	return nil
}
