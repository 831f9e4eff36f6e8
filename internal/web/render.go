package web

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// chrome fills what the layout needs for this request.
func (app *App) chrome(r *http.Request, title, active string) views.Chrome {
	v, ok := viewerFrom(r.Context())
	return views.Chrome{
		Title:    title,
		Viewer:   v,
		SignedIn: ok,
		Today:    app.today(),
		Active:   active,
		CSSURL:   app.assets.url("app.css"),
		JSURL:    app.assets.url("app.js"),
		HtmxURL:  app.assets.url("htmx-2.0.11.min.js"),
	}
}

// render writes a component, buffered so a failure half-way becomes a clean
// error page rather than half a page.
func (app *App) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		app.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store") // pages hold case data: never cached
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (app *App) errorPage(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	app.render(w, r, status, views.ErrorPage(app.chrome(r, title, ""), status, message))
}

// notFound answers both "does not exist" and "not yours": the two must look
// the same from outside.
func (app *App) notFound(w http.ResponseWriter, r *http.Request) {
	app.errorPage(w, r, http.StatusNotFound, "Not found", "There is nothing at this address that you can see.")
}

// serverError logs the cause once, with the request id, and shows a page that
// gives the id to quote to IT but nothing of the cause.
func (app *App) serverError(w http.ResponseWriter, r *http.Request, err error) {
	id := middleware.GetReqID(r.Context())
	app.log.Error("server error", "id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	msg := "Something went wrong on our side and nothing was changed by this request. If it happens again, tell IT the reference " + id + "."
	var buf bytes.Buffer
	c := views.ErrorPage(app.chrome(r, "Something went wrong", ""), http.StatusInternalServerError, msg)
	w.Header().Set("Cache-Control", "no-store")
	if rerr := c.Render(r.Context(), &buf); rerr != nil {
		http.Error(w, msg, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = buf.WriteTo(w)
}

// storeError maps a store error to the page a person sees.
func (app *App) storeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		app.notFound(w, r)
		return
	}
	app.serverError(w, r, err)
}
