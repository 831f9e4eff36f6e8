package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

func (app *App) officesPage(w http.ResponseWriter, r *http.Request) {
	msg := map[string]string{"saved": "Saved.", "supervisor": "The unit's new supervisor is recorded."}[r.URL.Query().Get("done")]
	app.renderOffices(w, r, http.StatusOK, views.OfficesView{Message: msg})
}

func (app *App) renderOffices(w http.ResponseWriter, r *http.Request, status int, ov views.OfficesView) {
	v, _ := viewerFrom(r.Context())
	var err error
	if ov.Offices, err = app.store.AdminOffices(r.Context(), v, app.today()); err != nil {
		app.storeError(w, r, err)
		return
	}
	if ov.Supervisors, err = app.store.AdminPeople(r.Context(), v, store.PeopleFilter{Role: "supervisor"}, app.today()); err != nil {
		app.storeError(w, r, err)
		return
	}
	ov.Today = app.today().Format(time.DateOnly)
	app.render(w, r, status, views.AdminOfficesPage(app.chrome(r, "Offices and units", "/admin"), ov))
}

// structureDone answers a change of the structure: back to the page, or the
// page with the problem.
func (app *App) structureDone(w http.ResponseWriter, r *http.Request, err error, done string) {
	var fe store.FieldErrors
	if errors.As(err, &fe) {
		app.renderOffices(w, r, http.StatusUnprocessableEntity, views.OfficesView{Problems: fe})
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/offices?done="+done, http.StatusSeeOther)
}

func (app *App) saveOffice(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	var id int64
	if p := chi.URLParam(r, "officeID"); p != "" {
		var err error
		if id, err = strconv.ParseInt(p, 10, 64); err != nil {
			app.notFound(w, r)
			return
		}
	}
	if r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	active := id == 0 || r.PostForm.Get("active") == "true"
	_, err := app.store.SaveOffice(r.Context(), v, id, r.PostForm.Get("name"), r.PostForm.Get("county"), active)
	app.structureDone(w, r, err, "saved")
}

func (app *App) saveUnit(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	var id int64
	if p := chi.URLParam(r, "adminUnitID"); p != "" {
		var err error
		if id, err = strconv.ParseInt(p, 10, 64); err != nil {
			app.notFound(w, r)
			return
		}
	}
	if r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	active := id == 0 || r.PostForm.Get("active") == "true"
	_, err := app.store.SaveUnit(r.Context(), v, id, formInt(r, "office"), r.PostForm.Get("name"), active, app.today())
	app.structureDone(w, r, err, "saved")
}

// unitSupervisor puts a supervisor over a unit from a date: the supervisor
// until then hands it over that day.
func (app *App) unitSupervisor(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	unit, err := strconv.ParseInt(chi.URLParam(r, "adminUnitID"), 10, 64)
	if err != nil || r.ParseForm() != nil {
		app.notFound(w, r)
		return
	}
	since, ok := formDate(r, "since")
	if !ok || since.IsZero() {
		app.structureDone(w, r, store.FieldErrors{"since": "Enter the date as YYYY-MM-DD."}, "")
		return
	}
	sup := formInt(r, "supervisor")
	if sup == 0 {
		app.structureDone(w, r, store.FieldErrors{"supervisor": "Choose a supervisor."}, "")
		return
	}
	err = app.store.NewPost(r.Context(), v, sup, unit, since)
	if errors.Is(err, store.ErrNotFound) {
		err = store.FieldErrors{"supervisor": "Choose a supervisor."}
	}
	app.structureDone(w, r, err, "supervisor")
}
