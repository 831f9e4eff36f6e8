package web

import (
	"net/http"
	"sort"
	"strings"

	"github.com/casework/casework/internal/fault"
)

// The one place an error of the store or the workspace becomes a status and
// a page (or, for the API, a status and a JSON error). Handlers that can say
// more, beside a field of the form they re-render with what was typed, do
// so first; everything else goes through storeError or apiStoreError, and
// no handler maps a kind to a status of its own.

// refusal is what a person is told for a kind of error.
type refusal struct {
	status  int
	code    string // the API's error code
	title   string
	message string
}

var refusals = map[fault.Kind]refusal{
	fault.NotFound: {http.StatusNotFound, "not_found", "Not found",
		"There is nothing at this address that you can see."},
	fault.Invalid: {http.StatusUnprocessableEntity, "invalid", "Not accepted",
		"What was sent names something it may not, so nothing was changed. Go back, check it and try again."},
	fault.Conflict: {http.StatusConflict, "conflict", "Changed meanwhile",
		"This was changed by someone else meanwhile, or is already recorded, so nothing was changed by this request. Reload the page and try again."},
	fault.Frozen: {http.StatusConflict, "signed", "The record is signed",
		"This conference is signed and cannot change; nothing was saved. Add a dated addendum instead."},
	fault.BadScope: {http.StatusUnprocessableEntity, "bad_scope", "No such office, area or unit",
		"That office, area or unit no longer exists or is inactive, so nothing was changed."},
}

// statusOf is the HTTP status for an error: its kind's, else 500.
func statusOf(err error) int {
	if rf, ok := refusals[fault.KindOf(err)]; ok {
		return rf.status
	}
	return http.StatusInternalServerError
}

// storeError shows the page for an error of the store or the workspace: a
// refusal by its kind (an invalid request with the message of each field),
// anything else as a failure, logged once with the request id.
func (app *App) storeError(w http.ResponseWriter, r *http.Request, err error) {
	rf, ok := refusals[fault.KindOf(err)]
	if !ok {
		app.serverError(w, r, err)
		return
	}
	msg := rf.message
	if fields, ok := fault.FieldsOf(err); ok {
		msg = fieldMessages(fields) + " Nothing was changed."
	}
	app.errorPage(w, r, rf.status, rf.title, msg)
}

// apiStoreError is storeError for the API: the same status, a JSON error.
func (app *App) apiStoreError(w http.ResponseWriter, r *http.Request, err error) {
	rf, ok := refusals[fault.KindOf(err)]
	if !ok {
		app.apiServerError(w, r, err)
		return
	}
	apiError(w, rf.status, rf.code, rf.message, nil)
}

// fieldMessages are the messages of an invalid request's fields, in the
// order of the fields' names (the messages are for people; the names are
// not shown).
func fieldMessages(f fault.Fields) string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msgs := make([]string, 0, len(keys))
	for _, k := range keys {
		msgs = append(msgs, f[k])
	}
	return strings.Join(msgs, " ")
}
