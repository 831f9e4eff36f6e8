package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// addTalkingPoint records something the worker wants to raise at their next
// conference; a problem brings their page back with the text kept.
func (app *App) addTalkingPoint(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Talking point", "The form could not be read. Please try again.")
		return
	}
	f := views.PointForm{Case: r.PostForm.Get("case"), Body: r.PostForm.Get("body")}
	body := strings.TrimSpace(f.Body)
	caseID, err := strconv.ParseInt(f.Case, 10, 64)
	switch {
	case err != nil || caseID < 0:
		f.Problem = "Choose one of your cases, or none."
	case body == "":
		f.Problem = "Write what you want to raise."
	case utf8.RuneCountInString(body) > 2000:
		f.Problem = "Keep a talking point under 2,000 characters."
	}
	if f.Problem != "" {
		app.showWorkerAgenda(w, r, http.StatusUnprocessableEntity, views.RequestForm{}, f)
		return
	}
	v, _ := viewerFrom(r.Context())
	err = app.store.AddTalkingPoint(r.Context(), v, caseID, body, app.today(), app.now())
	if errors.Is(err, store.ErrNotFound) {
		f.Problem = "That case is not one of yours today."
		app.showWorkerAgenda(w, r, http.StatusUnprocessableEntity, views.RequestForm{}, f)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/agenda#points", http.StatusSeeOther)
}

func (app *App) withdrawTalkingPoint(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "pointID")
	if !ok {
		app.notFound(w, r)
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := app.store.WithdrawTalkingPoint(r.Context(), v, id, app.now()); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/agenda#points", http.StatusSeeOther)
}
