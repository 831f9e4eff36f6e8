package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/casework/casework/internal/store"
)

// adminRoutes registers the administration pages (offices, units, people,
// assignments, imports). The group already admits administrators only.
//
// Parameters are named apart from the workspace's ({unitID} and the like):
// an administrator reaches every object, and the access matrix treats a
// workspace parameter as one of the first unit's.
// recordAdminViews records each administration page an administrator is
// shown (staff, cases, tokens, the audit log's own search) before it is
// served: their reads are many small store functions, and one rule here
// covers them all and any page added later.
func (app *App) recordAdminViews(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			v, _ := viewerFrom(r.Context())
			e := store.AuditEntry{Action: "viewed", Entity: "admin_page", EntityID: r.URL.Path}
			if r.URL.RawQuery != "" {
				e.Detail = map[string]any{"query": r.URL.RawQuery}
			}
			if err := app.store.RecordView(r.Context(), v, e); err != nil {
				app.storeError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (app *App) adminRoutes(r chi.Router) {
	r.Get("/admin/people", app.peoplePage)
	r.Get("/admin/people/new", app.newPersonPage)
	r.Post("/admin/people", app.createPerson)
	r.Get("/admin/people/{personID}", app.personPage)
	r.Post("/admin/people/{personID}", app.updatePerson)
	r.Post("/admin/people/{personID}/post", app.newPost)
	r.Post("/admin/people/{personID}/active", app.setActive)
	r.Post("/admin/people/{personID}/password", app.issuePassword)
	r.Get("/admin/offices", app.officesPage)
	r.Post("/admin/offices", app.saveOffice)
	r.Post("/admin/offices/{officeID}", app.saveOffice)
	r.Post("/admin/units", app.saveUnit)
	r.Post("/admin/units/{adminUnitID}", app.saveUnit)
	r.Post("/admin/units/{adminUnitID}/supervisor", app.unitSupervisor)
	r.Get("/admin/cases", app.adminCasesPage)
	r.Post("/admin/cases/reassign", app.reassignCases)
	r.Get("/admin/policy", app.policyPage)
	r.Post("/admin/policy", app.choosePolicy)
	r.Post("/admin/policy/versions", app.uploadProfileVersion)
	r.Get("/admin/import", app.importPage)
	r.Post("/admin/import", app.importUpload)
	r.Get("/admin/tokens", app.tokensPage)
	r.Post("/admin/tokens", app.issueToken)
	r.Post("/admin/tokens/{id}/revoke", app.revokeToken)
}
