package web

import (
	"net/http"

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
