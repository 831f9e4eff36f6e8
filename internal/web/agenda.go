package web

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// workerAgenda is the worker's own page: the next conference, what to
// prepare for each proposed case, records shared with them, their next steps
// and obligations, and the ways to ask for help.
func (app *App) workerAgenda(w http.ResponseWriter, r *http.Request) {
	app.showWorkerAgenda(w, r, http.StatusOK, views.RequestForm{})
}

// showWorkerAgenda is the worker's page, with the emergent request form as
// typed (and its problems) when it came back.
func (app *App) showWorkerAgenda(w http.ResponseWriter, r *http.Request, status int, req views.RequestForm, point ...views.PointForm) {
	v, _ := viewerFrom(r.Context())
	today := app.today()
	ws, err := app.store.Worker(r.Context(), v, v.PersonID, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	ev, err := app.ws.Worker(r.Context(), v, v.PersonID, today, ws.Stamp)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	f, res, me, agenda := ev.Facts, ev.Result, ev.FactID, ev.Agenda
	refs, err := app.store.WorkerCases(r.Context(), v, v.PersonID, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	shared, err := app.store.SharedWithMe(r.Context(), v)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	steps, err := app.store.MyNextSteps(r.Context(), v, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	hasCal, err := app.store.HasCalendarFeed(r.Context(), v)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	a := views.WorkerAgenda{Name: ws.Name, SupervisorName: ws.SupervisorName, FirstYear: agenda.FirstYear, Target: agenda.Target,
		Shared: shared, Steps: steps, HasCalendar: hasCal, CalendarURL: app.sessions.PopString(r.Context(), "calendar_url")}
	switch r.URL.Query().Get("notice") {
	case "requested":
		a.Notice = "The casework supervisor is asked for a conference."
	case "done":
		a.Notice = "Marked done."
	case "calendar-off":
		a.Notice = "The calendar address is turned off."
	}
	for _, o := range res.Obligations {
		if o.Subject == me && res.Is(o, rules.TagWorkerConference) {
			o := o
			a.NextConference = &o
		}
	}
	// The same proposal the supervisor sees, sized the same way; but a case
	// with contacts awaiting approval is never left out, whatever the size:
	// its contact sheets are reviewed before it is conferenced.
	proposed := map[string]bool{}
	for i, it := range agenda.Items {
		ref, ok := refs[it.Case]
		if !ok || (it.Priority > rules.PriorityDeadline && i >= agenda.Target && ref.PendingContacts == 0) {
			continue
		}
		proposed[it.Case] = true
		a.Items = append(a.Items, views.PrepEntry{Case: ref, Reasons: it.Reasons, Prepare: dashboard.Preparation(f, res, it.Case)})
	}
	for _, n := range slices.Sorted(maps.Keys(refs)) {
		if ref := refs[n]; ref.PendingContacts > 0 && !proposed[n] {
			a.Items = append(a.Items, views.PrepEntry{Case: ref, Prepare: dashboard.Preparation(f, res, n)})
		}
	}
	// Visits and milestones: overdue, or due within three weeks.
	horizon := res.AsOf.AddDays(21)
	byCase := map[string][]rules.Obligation{}
	for _, o := range res.Obligations {
		if _, isCase := refs[o.Subject]; !isCase || res.Is(o, rules.TagCaseDiscussion) {
			continue
		}
		if o.State == rules.StateOverdue || (o.State == rules.StateOpen && !o.Due.After(horizon)) {
			byCase[o.Subject] = append(byCase[o.Subject], o)
		}
	}
	labels := res.Version().Labels()
	numbers := make([]string, 0, len(refs))
	for n := range refs {
		numbers = append(numbers, n)
	}
	sort.Strings(numbers)
	for _, n := range numbers {
		a.Cases = append(a.Cases, refs[n])
		if os := byCase[n]; len(os) > 0 {
			a.Obligations = append(a.Obligations, views.CaseListEntry{Case: refs[n], Obligations: os, Labels: labels})
		}
	}
	if a.MyRequests, err = app.myEmergentRequests(r); err != nil {
		app.storeError(w, r, err)
		return
	}
	a.Request, a.Reasons = req, emergentReasons()
	if len(point) > 0 {
		a.Point = point[0]
	}
	if a.Points, err = app.store.TalkingPoints(r.Context(), v, v.PersonID, today); err != nil {
		app.storeError(w, r, err)
		return
	}
	app.render(w, r, status, views.WorkerAgendaPage(app.chrome(r, "My next conference", "/agenda"), a))
}

func (app *App) markStepDone(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "stepID")
	if !ok {
		app.notFound(w, r)
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := app.store.MarkStepDone(r.Context(), v, id, app.today()); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/agenda?notice=done#steps-h", http.StatusSeeOther)
}

// requestEmergent is a worker's request for a conference with the casework
// supervisor when their supervisor is unavailable (seed 001).
func (app *App) requestEmergent(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Request", "The form could not be read. Please try again.")
		return
	}
	details := strings.TrimSpace(r.PostForm.Get("details"))
	form := views.RequestForm{Case: r.PostForm.Get("case"), Details: r.PostForm.Get("details"), Problems: map[string]string{}}
	caseID, err := strconv.ParseInt(form.Case, 10, 64)
	if err != nil || caseID < 0 {
		form.Problems["req-case"] = "Choose one of your cases, or none."
	}
	switch {
	case details == "":
		form.Problems["req-details"] = "Say what is happening."
	case utf8.RuneCountInString(details) > maxText:
		form.Problems["req-details"] = "Keep this under 10,000 characters."
	}
	if len(form.Problems) > 0 {
		app.showWorkerAgenda(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	v, _ := viewerFrom(r.Context())
	err = app.store.RequestEmergentConference(r.Context(), v, caseID, details, app.today(), app.now())
	if errors.Is(err, store.ErrNotFound) {
		form.Problems["req-case"] = "That case is not one of yours today, or your unit has no casework supervisor on record. Nothing was sent."
		app.showWorkerAgenda(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/agenda?notice=requested", http.StatusSeeOther)
}
