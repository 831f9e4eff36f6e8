package web

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// enterHashing takes one of the password-hashing slots (auth.Gate) for this
// request, waiting a little (Config.HashWait) if others are hashing; ok is
// false when the server is too busy, and the caller answers busy without
// hashing.
func (app *App) enterHashing(r *http.Request) (release func(), ok bool) {
	ctx, cancel := context.WithTimeout(r.Context(), app.hashWait)
	defer cancel()
	return app.hashGate.Enter(ctx)
}

// busy answers 503 with Retry-After: too many password checks at once.
func (app *App) busy(w http.ResponseWriter, r *http.Request, title string) {
	w.Header().Set("Retry-After", "2")
	app.errorPage(w, r, http.StatusServiceUnavailable, title,
		"The server is checking many passwords at this moment. Wait a few seconds and try again; nothing was changed.")
}

// retryAfter is a Retry-After value in whole seconds, at least one.
func retryAfter(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10)
}
