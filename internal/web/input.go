package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// checkInput reads every request's query and form once, before any handler,
// and refuses what no handler can store: a NUL byte or text that is not
// UTF-8 (PostgreSQL refuses both, which used to surface as a 500), answered
// 422 with the field named; a body over the limit (limitBody), answered 413;
// a form that cannot be decoded, 400. Handlers then find r.Form parsed.
// Multipart bodies (the import upload) are read by their handler, which
// checks its file and answers 413 itself.
func (app *App) checkInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api := strings.HasPrefix(r.URL.Path, "/api/")
		if api {
			w.Header().Set("Cache-Control", "no-store")
		}
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig) && api:
				apiError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("The request body is larger than %d bytes.", tooBig.Limit), nil)
			case errors.As(err, &tooBig):
				app.errorPage(w, r, http.StatusRequestEntityTooLarge, "Too large",
					fmt.Sprintf("What was sent is larger than %s, the most a form of this app takes, so nothing was saved. "+
						"Go back: what you typed is still in your browser; shorten the longest text and send again.", sizeWords(tooBig.Limit)))
			case api:
				apiError(w, http.StatusBadRequest, "bad_request", "The query string could not be read; nothing was read.", nil)
			default:
				app.errorPage(w, r, http.StatusBadRequest, "Not understood", "The form could not be read, so nothing was saved. Please try again.")
			}
			return
		}
		if field, ok := unstorableField(r.Form); ok {
			msg := fmt.Sprintf("The field %q holds a character that cannot be stored (a NUL byte, or text that is not UTF-8).", field)
			if api {
				apiError(w, http.StatusUnprocessableEntity, "bad_text", msg+" Nothing was read.", []apiProblem{{field, "holds a NUL byte or text that is not UTF-8"}})
				return
			}
			app.errorPage(w, r, http.StatusUnprocessableEntity, "Cannot be stored",
				msg+" Nothing was saved. Go back, remove the character (it may have come with pasted text) and send again.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// unstorableField names the first field (in name order) whose name or a
// value is not storable text, made printable for the message.
func unstorableField(form url.Values) (string, bool) {
	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		bad := !storable(name)
		for _, v := range form[name] {
			bad = bad || !storable(v)
		}
		if bad {
			return strings.ReplaceAll(strings.ToValidUTF8(name, "\uFFFD"), "\x00", "\uFFFD"), true
		}
	}
	return "", false
}

// storable: text PostgreSQL keeps as it was typed.
func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// sizeWords says a limit for people: 1 MiB, 64 KiB.
func sizeWords(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
