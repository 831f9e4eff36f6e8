package web

import (
	"net/http"

	"github.com/casework/casework/web/views"
)

// home sends each person to their role's first page.
func (app *App) home(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	nav := views.Nav(v.Role)
	if len(nav) == 0 {
		app.notFound(w, r)
		return
	}
	http.Redirect(w, r, nav[0].Path, http.StatusSeeOther)
}

func (app *App) caseloadPage(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	cases, err := app.store.WorkerCaseload(r.Context(), v, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, views.CaseloadPage(app.chrome(r, "My caseload", "/caseload"), cases))
}

func (app *App) adminPage(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	o, err := app.store.Overview(r.Context(), v)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	app.render(w, r, http.StatusOK, views.AdminPage(app.chrome(r, "Agency", "/admin"), o))
}
