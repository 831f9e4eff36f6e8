package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/casework/casework/internal/notify"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

// mailSettings: where mail goes, and the app's address for its links.
type mailSettings struct {
	sending string // "" when no SMTP server is set: the outbox page previews
	appURL  string
}

// settings are the kinds with the person's effective choice.
func settings(c store.NotificationChoices) []views.NotificationSetting {
	var out []views.NotificationSetting
	for _, k := range notify.Kinds {
		s := views.NotificationSetting{Kind: k.ID, Title: k.Title, About: k.About, Mandatory: c.Mandatory[k.ID]}
		eff := notify.Effective(k.ID, c.Choice[k.ID], s.Mandatory)
		for _, ch := range k.Choices {
			label := notify.ChoiceWords(ch)
			if k.ID == "digest" && ch == notify.Digest {
				label = "Send it"
			}
			s.Choices = append(s.Choices, views.ChoiceOption{Value: ch, Label: label, Selected: ch == eff})
		}
		out = append(out, s)
	}
	return out
}

// notificationsPage is a person's choices of what reaches them by e-mail;
// ?stop=digest (the digest's unsubscribe link) asks to confirm stopping it.
func (app *App) notificationsPage(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	c, err := app.store.MyNotificationChoices(r.Context(), v)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	nv := views.NotificationsView{Email: v.Email, Settings: settings(c), Saved: r.URL.Query().Get("saved") == "1"}
	if r.URL.Query().Get("stop") == "digest" {
		if c.Mandatory["digest"] {
			nv.Problem = "The agency requires the daily digest: it cannot be stopped."
		} else {
			nv.Stop = true
		}
	}
	app.render(w, r, http.StatusOK, views.NotificationsPage(app.chrome(r, "E-mail", ""), nv))
}

func (app *App) saveNotifications(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "E-mail", "The form could not be read. Please try again.")
		return
	}
	c, err := app.store.MyNotificationChoices(r.Context(), v)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	choices := map[string]string{}
	for _, k := range notify.Kinds {
		ch := r.PostForm.Get(k.ID)
		if ch == "" {
			continue // not on the form: unchanged
		}
		ok := false
		for _, allowed := range k.Choices {
			ok = ok || allowed == ch
		}
		if !ok || (ch == notify.Off && c.Mandatory[k.ID]) {
			for i := range c.Choice {
				delete(c.Choice, i)
			}
			nv := views.NotificationsView{Email: v.Email, Settings: settings(c),
				Problem: k.Title + ": choose " + choiceList(k, c.Mandatory[k.ID]) + ". Nothing was changed."}
			app.render(w, r, http.StatusUnprocessableEntity, views.NotificationsPage(app.chrome(r, "E-mail", ""), nv))
			return
		}
		choices[k.ID] = ch
	}
	if err := app.store.SetMyNotificationChoices(r.Context(), v, choices); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings/notifications?saved=1", http.StatusSeeOther)
}

func choiceList(k notify.Kind, mandatory bool) string {
	s := ""
	for _, ch := range k.Choices {
		if ch == notify.Off && mandatory {
			continue
		}
		if s != "" {
			s += " or "
		}
		s += notify.ChoiceWords(ch)
	}
	return s
}

// outboxPage lists the outbox for an administrator: newest first, a page at
// a time, filtered by status and kind.
func (app *App) outboxPage(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	q := r.URL.Query()
	f := store.OutboxFilter{Status: q.Get("status"), Kind: q.Get("kind")}
	if f.Status != "" && !slices.Contains([]string{"queued", "held", "digested", "sent", "failed", "skipped"}, f.Status) {
		f.Status = ""
	}
	if _, ok := notify.KindOf(f.Kind); !ok {
		f.Kind = ""
	}
	if b, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && b > 0 {
		f.Before = b
	}
	rows, counts, err := app.store.Outbox(r.Context(), v, f)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	mandatory, err := app.store.MandatoryKinds(r.Context())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	ov := views.OutboxView{Counts: counts, Status: f.Status, Kind: f.Kind, Preview: app.mail.sending == "",
		Sending: app.mail.sending, Saved: q.Get("saved") == "1", Zone: app.loc,
		Kinds: settings(store.NotificationChoices{Mandatory: mandatory})}
	if len(rows) > store.OutboxPageSize {
		rows = rows[:store.OutboxPageSize]
		next := url.Values{}
		if f.Status != "" {
			next.Set("status", f.Status)
		}
		if f.Kind != "" {
			next.Set("kind", f.Kind)
		}
		next.Set("before", strconv.FormatInt(rows[len(rows)-1].ID, 10))
		ov.Next = "/admin/outbox?" + next.Encode()
	}
	ov.Rows = rows
	app.render(w, r, http.StatusOK, views.AdminOutboxPage(app.chrome(r, "Outbox", "/admin"), ov))
}

func (app *App) saveNotificationPolicy(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "Outbox", "The form could not be read. Please try again.")
		return
	}
	m := map[string]bool{}
	for _, k := range r.PostForm["mandatory"] {
		if _, ok := notify.KindOf(k); ok {
			m[k] = true
		}
	}
	if err := app.store.SetMandatoryKinds(r.Context(), v, m); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/outbox?saved=1", http.StatusSeeOther)
}

// previewed is one message rendered, where messages are read here (no SMTP
// server set); elsewhere an administrator sees who and why, not what.
func (app *App) previewed(w http.ResponseWriter, r *http.Request) (store.Outgoing, notify.Rendered, bool) {
	id, ok := urlID(r, "messageID")
	if !ok || app.mail.sending != "" {
		app.notFound(w, r)
		return store.Outgoing{}, notify.Rendered{}, false
	}
	v, _ := viewerFrom(r.Context())
	m, err := app.store.OutboxMessage(r.Context(), v, id)
	if err != nil {
		app.storeError(w, r, err)
		return m, notify.Rendered{}, false
	}
	reasons := map[string]string{}
	for _, e := range store.EmergentReasons {
		reasons[e.Code] = e.Words
	}
	rd, err := notify.Render(m.Kind, m.Params, m.Recipient, app.mail.appURL, reasons)
	if err != nil {
		app.serverError(w, r, err)
		return m, rd, false
	}
	return m, rd, true
}

func (app *App) outboxMessage(w http.ResponseWriter, r *http.Request) {
	m, rd, ok := app.previewed(w, r)
	if !ok {
		return
	}
	app.render(w, r, http.StatusOK, views.AdminOutboxMessagePage(app.chrome(r, rd.Subject, "/admin"), views.OutboxMessageView{
		ID: m.ID, To: m.Recipient.Name + " <" + m.Recipient.Email + ">", Subject: rd.Subject, Text: rd.Text, Status: "queued"}))
}

// outboxMessageHTML serves a message's HTML part for the preview's frame:
// its own policy (the mail's inline styles, no script, nothing fetched,
// framed by this app's pages only).
func (app *App) outboxMessageHTML(w http.ResponseWriter, r *http.Request) {
	_, rd, ok := app.previewed(w, r)
	if !ok {
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(rd.HTML))
}
