package web

import (
	"net/http"
	"strconv"

	"github.com/casework/casework/internal/dashboard"
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
	ev, err := app.evaluateWorkerAt(r, id, today, ws.Stamp)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	f, ids, res, factID, agenda := ev.f, ev.ids, ev.res, ev.factID, ev.agenda
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
	row := dashboard.Worker{PersonID: id, FactID: factID, Name: ws.Name}
	st := &unitState{facts: f, ids: ids, caseRef: refs, unit: dashboard.Build(f, res, []dashboard.Worker{row})}
	wr := st.unit.Rows[0]
	view := views.WorkerView{
		Worker: ws, FirstYear: wr.FirstYear, CanLog: ws.SupervisorID == v.PersonID,
		NextConference: wr.NextConference, Coverage: wr.Coverage, AgendaTarget: agenda.Target,
		Show: show, ShowTitle: "Caseload", Conferences: confs,
	}
	if show != "" {
		view.ShowTitle = listTitles[show]
		view.Cases = st.entries(wr, show)
	} else {
		view.Cases = st.entries(wr, "all")
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
