package web

import "github.com/go-chi/chi/v5"

// adminRoutes registers the administration pages (offices, units, people,
// assignments, imports). The group already admits administrators only.
func (app *App) adminRoutes(r chi.Router) {
	r.Get("/admin/import", app.importPage)
	r.Post("/admin/import", app.importUpload)
	r.Get("/admin/tokens", app.tokensPage)
	r.Post("/admin/tokens", app.issueToken)
	r.Post("/admin/tokens/{id}/revoke", app.revokeToken)
}
