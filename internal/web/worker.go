package web

import (
	"net/http"
	"strconv"

	"github.com/casework/casework/web/views"
)

// pastConferencesShown bounds the worker page's list of conferences.
const pastConferencesShown = 12

func (app *App) workerPage(w http.ResponseWriter, r *http.Request) {
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
	app.render(w, r, http.StatusOK, views.WorkerPage(app.chrome(r, ws.Name, ""), view))
}
