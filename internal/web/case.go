package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

func (app *App) casePage(w http.ResponseWriter, r *http.Request) {
	form := views.EventForm{}
	switch r.URL.Query().Get("saved") {
	case "event":
		form.Saved = "The event is recorded."
	case "risk":
		form.Saved = "The risk level is recorded."
	case "flag":
		form.Saved = "The casework supervisor is asked for an emergent conference."
	}
	app.showCase(w, r, http.StatusOK, form)
}

// showCase renders the case page, with the record form as given (its
// problems, or the word that it was saved).
func (app *App) showCase(w http.ResponseWriter, r *http.Request, status int, form views.EventForm) {
	id, ok := urlID(r, "caseID")
	if !ok {
		app.notFound(w, r)
		return
	}
	v, _ := viewerFrom(r.Context())
	today := app.today()
	c, err := app.store.Case(r.Context(), v, id, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	ev, err := app.ws.Worker(r.Context(), v, c.WorkerID, today, c.WorkerStamp)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	ids, res := ev.IDs, ev.Result
	view := views.CaseView{Case: c, EventKinds: rules.EventKinds(), Form: form, Reasons: store.EmergentReasons, Labels: res.Version().Labels()}
	for _, o := range res.Obligations {
		if ids.Cases[o.Subject] == id {
			view.Obligations = append(view.Obligations, o)
		}
	}
	if len(c.Risks) > 0 {
		view.Risk = c.Risks[0].Level
	}
	view.CanRecord = c.Supervised
	if v.Role == access.Supervisor || v.Role == access.CaseworkSupervisor {
		view.ShowAccess = true
		if view.Access, err = app.store.CaseAccess(r.Context(), v, id, today); err != nil {
			app.storeError(w, r, err)
			return
		}
		for i := range view.Access {
			view.Access[i].At = view.Access[i].At.In(app.loc)
		}
	}
	if view.Form.On == "" {
		view.Form.On = today.Format(time.DateOnly)
	}
	app.render(w, r, status, views.CasePage(app.chrome(r, c.FamilyName+" family", ""), view))
}

// parseDay reads a form date that must not be in the future: records are of
// what happened.
func (app *App) parseDay(s string) (time.Time, string) {
	d, err := time.Parse(time.DateOnly, s)
	switch {
	case s == "":
		return d, "Enter the date."
	case err != nil:
		return d, "Enter a date as YYYY-MM-DD."
	case d.After(app.today()):
		return d, "The date cannot be in the future: record what has happened."
	case d.Year() < 1900:
		return d, "Enter a date after 1900."
	}
	return d, ""
}

func (app *App) recordEvent(w http.ResponseWriter, r *http.Request) {
	id, ok := app.supervisedCase(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Record", "The form could not be read. Please try again.")
		return
	}
	form := views.EventForm{Kind: r.PostForm.Get("kind"), On: r.PostForm.Get("on"), Problems: map[string]string{}}
	valid := false
	for _, k := range rules.EventKinds() {
		valid = valid || k == form.Kind
	}
	if !valid {
		form.Problems["kind"] = "Choose what happened from the list."
	}
	on, problem := app.parseDay(form.On)
	if problem != "" {
		form.Problems["on"] = problem
	}
	if len(form.Problems) > 0 {
		app.showCase(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := app.store.RecordEvent(r.Context(), v, id, form.Kind, on, app.today()); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, r.URL.Path[:len(r.URL.Path)-len("/events")]+"?saved=event", http.StatusSeeOther)
}

func (app *App) recordRisk(w http.ResponseWriter, r *http.Request) {
	id, ok := app.supervisedCase(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Record", "The form could not be read. Please try again.")
		return
	}
	form := views.EventForm{Level: r.PostForm.Get("level"), On: r.PostForm.Get("on"), Problems: map[string]string{}}
	switch form.Level {
	case "low", "moderate", "high", "very_high":
	default:
		form.Problems["level"] = "Choose a risk level: low, moderate, high or very high."
	}
	on, problem := app.parseDay(form.On)
	if problem != "" {
		form.Problems["risk-on"] = problem
	}
	if len(form.Problems) > 0 {
		app.showCase(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	v, _ := viewerFrom(r.Context())
	err := app.store.RecordRisk(r.Context(), v, id, form.Level, on, app.today())
	if errors.Is(err, store.ErrConflict) {
		form.Problems["risk-on"] = "A risk level is already recorded for this case on that date. History is kept: record a later date."
		app.showCase(w, r, http.StatusConflict, form)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, r.URL.Path[:len(r.URL.Path)-len("/risk")]+"?saved=risk", http.StatusSeeOther)
}

// supervisedCase reads the case id of the URL and answers 404 unless the
// viewer supervises that case today; it is checked again in the write's own
// transaction.
func (app *App) supervisedCase(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := urlID(r, "caseID")
	if !ok {
		app.notFound(w, r)
		return 0, false
	}
	v, _ := viewerFrom(r.Context())
	yes, err := app.store.SupervisesCase(r.Context(), v, id, app.today())
	if err != nil {
		app.serverError(w, r, err)
		return 0, false
	}
	if !yes {
		app.notFound(w, r)
		return 0, false
	}
	return id, true
}
