package web

import (
	"errors"
	"net/http"
	"strconv"
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
	case "plan":
		form.Saved = "The Safety Protection Plan is recorded."
	case "mvr":
		form.Saved = "The visit plan is set."
	case "sheet":
		form.Saved = "The event is recorded."
		if notice, ok := app.sheetNotice(r); ok {
			form.Sheet = notice
		}
	}
	app.showCase(w, r, http.StatusOK, form)
}

// sheetNotice says whether the contact sheet approval recorded on the case
// for the day the URL names counts, read from the data (the URL names only
// the day): false when there is none the viewer supervises.
func (app *App) sheetNotice(r *http.Request) (*views.SheetNotice, bool) {
	id, ok := urlID(r, "caseID")
	day, err := time.Parse(time.DateOnly, r.URL.Query().Get("on"))
	if !ok || err != nil {
		return nil, false
	}
	v, _ := viewerFrom(r.Context())
	a, err := app.store.SheetApprovalOn(r.Context(), v, id, day, app.today())
	if err != nil {
		return nil, false
	}
	return &views.SheetNotice{Day: day, Counts: a.Counts, Pending: a.Pending, Later: a.ApprovedLater}, true
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
	if view.Form.Problems == nil && view.Form.MVRFrom == "" {
		view.Form.MVRFrom = today.Format(time.DateOnly)
		if len(c.MVR) > 0 {
			m := c.MVR[0]
			view.Form.MVRChild, view.Form.MVRParents, view.Form.MVRProvider = strconv.Itoa(m.Child), strconv.Itoa(m.Parents), strconv.Itoa(m.Provider)
		}
	}
	if view.Form.Problems == nil && view.Form.PlanStart == "" && c.SafetyPlanStart != nil {
		view.Form.PlanStart = c.SafetyPlanStart.Format(time.DateOnly)
		if c.SafetyPlanEnd != nil {
			view.Form.PlanEnd = c.SafetyPlanEnd.Format(time.DateOnly)
		}
	}
	if view.Form.Sheet != nil {
		view.Form.Sheet.ContactsHref = "/workers/" + strconv.FormatInt(c.WorkerID, 10) + "?show=contacts"
	}
	if err := app.caseSiblings(r, &view, today); err != nil {
		app.storeError(w, r, err)
		return
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
	page := r.URL.Path[:len(r.URL.Path)-len("/events")]
	if form.Kind == rules.EventContactSheetApproved {
		// The page then says whether the approval counts.
		http.Redirect(w, r, page+"?saved=sheet&on="+on.Format(time.DateOnly), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, page+"?saved=event", http.StatusSeeOther)
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

// recordSafetyPlan sets the case's Safety Protection Plan: the day it took
// effect and, once satisfied, the day it was; both have happened, so
// neither is in the future. What was typed is shown again with any problem.
func (app *App) recordSafetyPlan(w http.ResponseWriter, r *http.Request) {
	id, ok := app.supervisedCase(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Record", "The form could not be read. Please try again.")
		return
	}
	form := views.EventForm{PlanStart: r.PostForm.Get("start"), PlanEnd: r.PostForm.Get("end"), Problems: map[string]string{}}
	start, problem := app.parseDay(form.PlanStart)
	if problem != "" {
		form.Problems["plan-start"] = problem
	}
	var end *time.Time
	if form.PlanEnd != "" {
		e, problem := app.parseDay(form.PlanEnd)
		switch {
		case problem != "":
			form.Problems["plan-end"] = problem
		case form.Problems["plan-start"] == "" && e.Before(start):
			form.Problems["plan-end"] = "The plan cannot be satisfied before it took effect."
		default:
			end = &e
		}
	}
	if len(form.Problems) > 0 {
		app.showCase(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := app.store.RecordSafetyPlan(r.Context(), v, id, start, end, app.today()); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, r.URL.Path[:len(r.URL.Path)-len("/safety-plan")]+"?saved=plan", http.StatusSeeOther)
}

// recordMVR sets the case's visit plan from a date: visits a month with the
// child, the parents and the placement provider, each a whole number 0 to
// 31. The date may be today or past (the plan in force from then).
func (app *App) recordMVR(w http.ResponseWriter, r *http.Request) {
	id, ok := app.supervisedCase(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Record", "The form could not be read. Please try again.")
		return
	}
	form := views.EventForm{MVRFrom: r.PostForm.Get("from"), MVRChild: r.PostForm.Get("child"), MVRParents: r.PostForm.Get("parents"),
		MVRProvider: r.PostForm.Get("provider"), Problems: map[string]string{}}
	from, problem := app.parseDay(form.MVRFrom)
	if problem != "" {
		form.Problems["mvr-from"] = problem
	}
	counts := make([]int, 3)
	for i, f := range []struct{ key, value, who string }{
		{"mvr-child", form.MVRChild, "the child"}, {"mvr-parents", form.MVRParents, "the parents"}, {"mvr-provider", form.MVRProvider, "the placement provider"},
	} {
		n, err := strconv.Atoi(f.value)
		if err != nil || n < 0 || n > 31 {
			form.Problems[f.key] = "Enter the visits a month with " + f.who + ": a whole number from 0 to 31."
		}
		counts[i] = n
	}
	if len(form.Problems) > 0 {
		app.showCase(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := app.store.RecordMVR(r.Context(), v, id, from, counts[0], counts[1], counts[2], app.today()); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, r.URL.Path[:len(r.URL.Path)-len("/mvr")]+"?saved=mvr", http.StatusSeeOther)
}
