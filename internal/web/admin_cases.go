package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

func (app *App) adminCasesPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cv := views.AdminCasesView{Filter: store.CaseFilter{UnitID: formInt(r, "unit"), WorkerID: formInt(r, "worker"),
		Unassigned: q.Get("unassigned") == "1", Search: q.Get("q")}}
	if n, err := strconv.Atoi(q.Get("moved")); err == nil {
		cv.Message = fmt.Sprintf("%d cases reassigned.", n)
	}
	app.renderAdminCases(w, r, http.StatusOK, cv)
}

func (app *App) renderAdminCases(w http.ResponseWriter, r *http.Request, status int, cv views.AdminCasesView) {
	v, _ := viewerFrom(r.Context())
	var err error
	if cv.Cases, err = app.store.AdminCases(r.Context(), v, cv.Filter, app.today()); err != nil {
		app.storeError(w, r, err)
		return
	}
	if cv.Offices, err = app.store.AdminOffices(r.Context(), v, app.today()); err != nil {
		app.storeError(w, r, err)
		return
	}
	if cv.Workers, err = app.store.AdminPeople(r.Context(), v, store.PeopleFilter{Role: "worker"}, app.today()); err != nil {
		app.storeError(w, r, err)
		return
	}
	if cv.Since == "" {
		cv.Since = app.today().Format(time.DateOnly)
	}
	if cv.Problems == nil {
		cv.Problems = map[string]string{}
	}
	app.render(w, r, status, views.AdminCasesPage(app.chrome(r, "Case assignments", "/admin"), cv))
}

// reassignCases gives the cases ticked to a worker from a date, all or none.
func (app *App) reassignCases(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	if r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	var cases []int64
	for _, s := range r.PostForm["case"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			app.notFound(w, r)
			return
		}
		cases = append(cases, id)
	}
	since, ok := formDate(r, "since")
	var err error
	if !ok || since.IsZero() {
		err = store.FieldErrors{"since": "Enter the date as YYYY-MM-DD."}
	} else {
		var moved int
		moved, err = app.store.Reassign(r.Context(), v, cases, formInt(r, "worker"), since)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/admin/cases?worker=%d&moved=%d", formInt(r, "worker"), moved), http.StatusSeeOther)
			return
		}
	}
	var fe store.FieldErrors
	if errors.As(err, &fe) {
		app.renderAdminCases(w, r, http.StatusUnprocessableEntity, views.AdminCasesView{Problems: fe, Since: r.PostForm.Get("since")})
		return
	}
	app.storeError(w, r, err)
}
