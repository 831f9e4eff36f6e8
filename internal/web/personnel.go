package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// notesShown bounds the performance notes listed on one page.
const notesShown = 100

// performanceNotes shows the personnel side of a worker: to the worker, their
// supervisor (who writes the notes) and the casework supervisor over them.
func (app *App) performanceNotes(w http.ResponseWriter, r *http.Request) {
	app.showNotes(w, r, http.StatusOK, views.NotesView{Saved: r.URL.Query().Get("saved") == "1", Met: r.URL.Query().Get("met") == "1"})
}

func (app *App) showNotes(w http.ResponseWriter, r *http.Request, status int, n views.NotesView) {
	id, ok := urlID(r, "workerID")
	if !ok {
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
	notes, err := app.store.PerformanceNotes(r.Context(), v, id, today, notesShown)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	n.WorkerID, n.WorkerName, n.Notes = id, ws.Name, notes
	n.CanWrite = v.Role == access.Supervisor && ws.SupervisorID == v.PersonID
	// The personnel file: the supervisor chain only (the query decides;
	// the worker's own page does not offer it).
	if n.ShowFile = v.PersonID != id; n.ShowFile {
		if n.Filings, err = app.store.PersonnelFile(r.Context(), v, id, today); err != nil {
			app.storeError(w, r, err)
			return
		}
		for i := range n.Filings {
			n.Filings[i].FiledAt = n.Filings[i].FiledAt.In(app.loc) // in the agency's zone
		}
	}
	n.CanMarkMet, n.Today = n.CanWrite, today
	app.render(w, r, status, views.PerformanceNotesPage(app.chrome(r, "Development and performance", ""), n))
}

func (app *App) addPerformanceNote(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "workerID")
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	n := views.NotesView{Area: r.PostForm.Get("area"), Body: strings.TrimSpace(r.PostForm.Get("body")), Problems: map[string]string{}}
	if !oneOf(n.Area, store.PerformanceAreas) {
		n.Problems["area"] = "Choose a function of supervision from the list."
	}
	switch {
	case n.Body == "":
		n.Problems["body"] = "Write the note."
	case utf8.RuneCountInString(n.Body) > maxText:
		n.Problems["body"] = fmt.Sprintf("Keep a note under %d characters.", maxText)
	}
	if len(n.Problems) > 0 {
		app.showNotes(w, r, http.StatusUnprocessableEntity, n)
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := app.store.AddPerformanceNote(r.Context(), v, id, app.today(), n.Area, n.Body); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/workers/%d/notes?saved=1", id), http.StatusSeeOther)
}

// approveContacts approves the contacts ticked, or the one whose own button
// was pressed, and records each case's contact sheet as approved today.
func (app *App) approveContacts(w http.ResponseWriter, r *http.Request) {
	id, ok := urlID(r, "workerID")
	if !ok || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	raw := r.PostForm["event"]
	if only := r.PostForm.Get("only"); only != "" {
		raw = []string{only}
	}
	var events []int64
	for _, s := range raw {
		if e, err := strconv.ParseInt(s, 10, 64); err == nil && e > 0 {
			events = append(events, e)
		}
	}
	v, _ := viewerFrom(r.Context())
	ws, err := app.store.Worker(r.Context(), v, id, app.today())
	if err == nil && ws.SupervisorID != v.PersonID {
		err = store.ErrNotFound // approving is the worker's own supervisor's
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	n := 0
	if len(events) > 0 {
		if n, err = app.store.ApproveContacts(r.Context(), v, events, app.today()); err != nil {
			app.storeError(w, r, err)
			return
		}
	}
	http.Redirect(w, r, fmt.Sprintf("/workers/%d?approved=%d#contacts", id, n), http.StatusSeeOther)
}

// flagCase asks the casework supervisor for an emergent conference (seed 001).
func (app *App) flagCase(w http.ResponseWriter, r *http.Request) {
	id, ok := app.supervisedCase(w, r)
	if !ok {
		return
	}
	if r.ParseForm() != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Flag", "The form could not be read. Please try again.")
		return
	}
	reason := r.PostForm.Get("reason")
	details := strings.TrimSpace(r.PostForm.Get("details"))
	valid := false
	for _, e := range store.EmergentReasons {
		valid = valid || e.Code == reason
	}
	form := views.EventForm{Reason: reason, Details: r.PostForm.Get("details"), Problems: map[string]string{}}
	if !valid {
		form.Problems["reason"] = "Choose the emergent reason from the list."
	}
	switch {
	case details == "":
		form.Problems["details"] = "Say what the casework supervisor should know."
	case utf8.RuneCountInString(details) > maxText:
		form.Problems["details"] = fmt.Sprintf("Keep this under %d characters.", maxText)
	}
	if len(form.Problems) > 0 {
		app.showCase(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := app.store.FlagCase(r.Context(), v, id, reason, details, app.today(), app.now()); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?saved=flag", id), http.StatusSeeOther)
}
