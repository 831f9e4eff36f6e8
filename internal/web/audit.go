package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// auditSearch lets an administrator search the whole audit log.
func (app *App) auditSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a := views.AuditSearch{Email: q.Get("email"), Entity: q.Get("entity"), EntityID: q.Get("entity_id"),
		From: q.Get("from"), To: q.Get("to"), Problems: map[string]string{}}
	aq := store.AuditQuery{Email: a.Email, Entity: a.Entity, EntityID: a.EntityID}
	aq.BeforeSeq, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if a.From != "" {
		d, err := time.ParseInLocation(time.DateOnly, a.From, app.loc)
		if err != nil {
			a.Problems["from"] = "Enter a date as YYYY-MM-DD."
		}
		aq.From = d
	}
	if a.To != "" {
		d, err := time.ParseInLocation(time.DateOnly, a.To, app.loc)
		if err != nil {
			a.Problems["to"] = "Enter a date as YYYY-MM-DD."
		}
		aq.To = d.AddDate(0, 0, 1)
	}
	status := http.StatusOK
	if len(a.Problems) == 0 {
		v, _ := viewerFrom(r.Context())
		entries, err := app.store.SearchAudit(r.Context(), v, aq)
		if err != nil {
			app.storeError(w, r, err)
			return
		}
		for i := range entries {
			entries[i].At = entries[i].At.In(app.loc)
		}
		a.Entries = entries
		if len(entries) == store.AuditPageSize {
			next := url.Values{}
			for k, vs := range q {
				next[k] = vs
			}
			next.Set("before", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
			a.Next = "/admin/audit?" + next.Encode()
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	a.Check = "casework audit verify walks it"
	app.render(w, r, status, views.AuditSearchPage(app.chrome(r, "Audit log", "/admin"), a))
}
