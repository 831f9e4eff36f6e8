package web

import "github.com/go-chi/chi/v5"

// apiRoutes registers the read-only JSON API for integrations under /api/v1.
func (app *App) apiRoutes(r chi.Router) {}
