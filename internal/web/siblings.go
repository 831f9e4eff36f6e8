package web

import (
	"net/http"
	"time"

	"github.com/casework/casework/web/views"
)

// caseSiblings adds to the case page the case's siblings placed apart, and
// fills its form with the dates recorded unless it is re-shown as typed.
func (app *App) caseSiblings(r *http.Request, view *views.CaseView, today time.Time) error {
	v, _ := viewerFrom(r.Context())
	sa, err := app.store.CaseSiblingsApart(r.Context(), v, view.Case.ID, today)
	if err != nil {
		return err
	}
	view.Siblings = sa
	f := &view.Form.Siblings
	if r.URL.Query().Get("saved") == "siblings" {
		f.Saved = "The siblings placed apart are recorded."
	}
	if f.Problems == nil && sa != nil {
		f.Start = sa.Start.Format(time.DateOnly)
		if sa.End != nil {
			f.End = sa.End.Format(time.DateOnly)
		}
	}
	return nil
}

// recordSiblingsApart records that the case's child has siblings placed
// apart since a date and, once they are together again, the day they were;
// both have happened, so neither is in the future. What was typed is shown
// again with any problem.
func (app *App) recordSiblingsApart(w http.ResponseWriter, r *http.Request) {
	id, ok := app.supervisedCase(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Record", "The form could not be read. Please try again.")
		return
	}
	f := views.SiblingsForm{Start: r.PostForm.Get("start"), End: r.PostForm.Get("end"), Problems: map[string]string{}}
	start, problem := app.parseDay(f.Start)
	if problem != "" {
		f.Problems["siblings-start"] = problem
	}
	var end *time.Time
	if f.End != "" {
		e, problem := app.parseDay(f.End)
		switch {
		case problem != "":
			f.Problems["siblings-end"] = problem
		case f.Problems["siblings-start"] == "" && e.Before(start):
			f.Problems["siblings-end"] = "The siblings cannot be together again before they were placed apart."
		default:
			end = &e
		}
	}
	if len(f.Problems) > 0 {
		app.showCase(w, r, http.StatusUnprocessableEntity, views.EventForm{Siblings: f})
		return
	}
	v, _ := viewerFrom(r.Context())
	if err := app.store.RecordSiblingsApart(r.Context(), v, id, start, end, app.today()); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, r.URL.Path[:len(r.URL.Path)-len("/siblings")]+"?saved=siblings", http.StatusSeeOther)
}
