package web

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/casework/casework/internal/fault"
	"github.com/casework/casework/web/views"
)

// chrome fills what the layout needs for this request.
func (app *App) chrome(r *http.Request, title, active string) views.Chrome {
	v, ok := viewerFrom(r.Context())
	notice := ""
	if ok { // signed in: the session is loaded
		notice = app.sessions.GetString(r.Context(), sessionResetNoticeKey)
	}
	return views.Chrome{
		ResetNotice: notice,
		Title:       title,
		Viewer:      v,
		SignedIn:    ok,
		Today:       app.today(),
		Active:      active,
		CSSURL:      app.assets.url("app.css"),
		JSURL:       app.assets.url("app.js"),
		HtmxURL:     app.assets.url("htmx-2.0.11.min.js"),
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
	app.storeError(w, r, fault.ErrNotFound)
}

// serverError logs the cause once, with the request id, and shows a page that
// gives the id to quote to IT but nothing of the cause.
func (app *App) serverError(w http.ResponseWriter, r *http.Request, err error) {
	id := middleware.GetReqID(r.Context())
	status, title := http.StatusInternalServerError, "Something went wrong"
	msg := "Something went wrong on our side and nothing was changed by this request. If it happens again, tell IT the reference " + id + "."
	if databaseUnavailable(err) {
		// The database is restarting or out of reach: say so, and that
		// nothing was changed; the pool reconnects by itself when it returns.
		status, title = http.StatusServiceUnavailable, "Database unavailable"
		msg = "The database is not answering just now, so nothing was read or changed by this request. " +
			"Try again in a minute; what you typed is still in your browser (go back). If it lasts, tell IT the reference " + id + "."
		w.Header().Set("Retry-After", "10")
		app.log.Warn("database unavailable", "id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		app.log.Error("server error", "id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var buf bytes.Buffer
	c := views.ErrorPage(app.chrome(r, title, ""), status, msg)
	w.Header().Set("Cache-Control", "no-store")
	if rerr := c.Render(r.Context(), &buf); rerr != nil {
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// databaseUnavailable tells a database that is down, restarting or out of
// reach from a fault in the request: connection failures, a connection cut
// (EOF, reset) and the server's own shutdown and start-up codes.
func databaseUnavailable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case err == nil:
		return false
	case errors.As(err, &ce), errors.As(err, &ne):
		return true
	case errors.As(err, &pe):
		switch pe.Code {
		case "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004":
			return true // admin_shutdown, crash_shutdown, cannot_connect_now, connection_exception...
		}
		return false
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED):
		return true
	}
	return pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}
