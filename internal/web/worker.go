package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/casework/casework/web/views"
)

// pastConferencesShown bounds the worker page's list of conferences.
const pastConferencesShown = 12

func (app *App) workerPage(w http.ResponseWriter, r *http.Request) {
	app.showWorker(w, r, http.StatusOK, views.ReviewForm{})
}

func (app *App) showWorker(w http.ResponseWriter, r *http.Request, status int, review views.ReviewForm) {
	id, ok := urlID(r, "workerID")
	show := r.URL.Query().Get("show")
	if _, known := listTitles[show]; !ok || (show != "" && !known) || show == "conferences" {
		app.notFound(w, r)
		return
	}
	v, _ := viewerFrom(r.Context())
	today := app.today()
	ws, err := app.store.Worker(r.Context(), v, id, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	ev, err := app.ws.Worker(r.Context(), v, id, today, ws.Stamp)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	agenda := ev.Agenda
	refs, err := app.store.WorkerCases(r.Context(), v, id, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	confs, err := app.store.WorkerConferences(r.Context(), v, id, today, pastConferencesShown)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	st := ev.WorkerUnit(ws.Name, id, refs)
	wr := st.Dashboard.Rows[0]
	view := views.WorkerView{
		Worker: ws, FirstYear: wr.FirstYear, CanLog: ws.SupervisorID == v.PersonID,
		NextConference: wr.NextConference, Coverage: wr.Coverage, AgendaTarget: agenda.Target,
		Show: show, ShowTitle: "Caseload", Conferences: confs,
		VisitReview: wr.VisitReview, Review: review, Month: today.Format("January 2006"),
	}
	if view.Reviews, err = app.store.MVRReviews(r.Context(), v, id, today, 3); err != nil {
		app.storeError(w, r, err)
		return
	}
	if r.URL.Query().Get("reviewed") == "1" {
		view.Review.Notice = "Your review of the visit plans is recorded."
	}
	if show != "" {
		view.ShowTitle = listTitles[show]
		view.Cases = caseEntries(st, wr, show)
	} else {
		view.Cases = caseEntries(st, wr, "all")
	}
	if view.CanLog {
		if view.Contacts, err = app.store.PendingContacts(r.Context(), v, id, today); err != nil {
			app.storeError(w, r, err)
			return
		}
	}
	view.Approved, _ = strconv.Atoi(r.URL.Query().Get("approved"))
	if view.Points, view.OpenSteps, err = app.carried(r, id); err != nil {
		app.storeError(w, r, err)
		return
	}
	for _, it := range agenda.Items {
		if ref, ok := refs[it.Case]; ok {
			view.Agenda = append(view.Agenda, views.AgendaEntry{Case: ref, Priority: it.Priority, Reasons: it.Reasons})
		}
	}
	app.render(w, r, status, views.WorkerPage(app.chrome(r, ws.Name, ""), view))
}

// recordMVRReview records the supervisor's review of the worker's visit
// plans for the current month, with a note; a problem brings the worker
// page back with the message beside the field and what was typed.
func (app *App) recordMVRReview(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "workerID")
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	f := views.ReviewForm{Note: r.PostForm.Get("note"), Problems: map[string]string{}}
	note := strings.TrimSpace(f.Note)
	switch {
	case note == "":
		f.Problems["note"] = "Say what the review found: visits made against the visit plans, and what was done about any shortfall."
	case utf8.RuneCountInString(note) > maxText:
		f.Problems["note"] = fmt.Sprintf("Keep the note under %d characters.", maxText)
	}
	if len(f.Problems) > 0 {
		app.showWorker(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := app.store.RecordMVRReview(r.Context(), v, id, app.today(), note); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/workers/%d?reviewed=1#visit-review-h", id), http.StatusSeeOther)
}
