package web

import "github.com/go-chi/chi/v5"

// adminRoutes registers the administration pages (offices, units, people,
// assignments, imports). The group already admits administrators only.
//
// Parameters are named apart from the workspace's ({unitID} and the like):
// an administrator reaches every object, and the access matrix treats a
// workspace parameter as one of the first unit's.
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
	r.Get("/admin/import", app.importPage)
	r.Post("/admin/import", app.importUpload)
	r.Get("/admin/tokens", app.tokensPage)
	r.Post("/admin/tokens", app.issueToken)
	r.Post("/admin/tokens/{id}/revoke", app.revokeToken)
}
