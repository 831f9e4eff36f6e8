package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/casework/casework/internal/dashboard"
	"github.com/casework/casework/internal/rules"
)

// newCalendar makes the worker a new private feed address (revoking the old
// one) and shows it once, through the session, never in a URL of the app.
func (app *App) newCalendar(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	token, err := app.store.NewCalendarToken(r.Context(), v)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	app.sessions.Put(r.Context(), "calendar_url", fmt.Sprintf("%s://%s/calendar/%s.ics", scheme, r.Host, token))
	http.Redirect(w, r, "/agenda#cal-h", http.StatusSeeOther)
}

func (app *App) revokeCalendar(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	if err := app.store.RevokeCalendarToken(r.Context(), v); err != nil {
		app.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/agenda?notice=calendar-off#cal-h", http.StatusSeeOther)
}

// calendarFeed serves a worker's iCalendar feed to whoever holds the secret
// address (a calendar program, with no session). Events name cases by number
// only, never a family: a calendar service is outside the agency.
func (app *App) calendarFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(chi.URLParam(r, "token"), ".ics")
	if !ok || len(token) < 20 || len(token) > 100 {
		http.NotFound(w, r)
		return
	}
	v, err := app.store.ViewerByCalendarToken(r.Context(), token)
	if err != nil {
		http.NotFound(w, r) // unknown, revoked, or the person deactivated: the same answer
		return
	}
	v.Addr, v.RequestID = origin(r).Addr, origin(r).RequestID
	today := app.today()
	f, ids, err := app.store.WorkerFacts(r.Context(), v, v.PersonID, today)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	steps, err := app.store.MyNextSteps(r.Context(), v, today)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	me := factIDOf(ids, v.PersonID)
	var events []icsEvent
	horizon := res.AsOf.AddDays(90)
	for _, o := range res.Obligations {
		if (o.State != rules.StateOpen && o.State != rules.StateOverdue) || o.Due.After(horizon) {
			continue
		}
		summary := dashboard.RuleWords(o.Rule)
		if o.Subject != me {
			summary = "Case " + o.Subject + ": " + summary
		}
		if o.State == rules.StateOverdue {
			summary += " (overdue)"
		}
		events = append(events, icsEvent{uid: o.Rule + "." + o.Subject, day: o.Due, summary: summary, description: o.Source})
	}
	for _, s := range steps {
		if s.DoneOn != nil {
			continue
		}
		events = append(events, icsEvent{uid: fmt.Sprintf("step.%d", s.ID), day: dateOf(s.DueOn),
			summary: "Next step: " + s.Description})
	}
	sort.Slice(events, func(i, j int) bool { return events[i].uid < events[j].uid })
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(icsCalendar(events, app.now())))
}

type icsEvent struct {
	uid, summary, description string
	day                       rules.Date
}

// icsCalendar writes RFC 5545 text: CRLF line ends, lines folded at 75
// octets, text escaped.
func icsCalendar(events []icsEvent, now time.Time) string {
	var b strings.Builder
	line := func(s string) {
		for len(s) > 75 {
			cut := 75
			for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
				cut--
			}
			b.WriteString(s[:cut] + "\r\n")
			s = " " + s[cut:]
		}
		b.WriteString(s + "\r\n")
	}
	stamp := now.UTC().Format("20060102T150405Z")
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//casework//supervision conferencing//EN")
	line("CALSCALE:GREGORIAN")
	line("X-WR-CALNAME:Casework due dates")
	for _, e := range events {
		day := strings.ReplaceAll(e.day.String(), "-", "")
		next := strings.ReplaceAll(e.day.AddDays(1).String(), "-", "")
		line("BEGIN:VEVENT")
		line("UID:" + icsText(e.uid) + "@casework")
		line("DTSTAMP:" + stamp)
		line("DTSTART;VALUE=DATE:" + day)
		line("DTEND;VALUE=DATE:" + next)
		line("SUMMARY:" + icsText(e.summary))
		if e.description != "" {
			line("DESCRIPTION:" + icsText(e.description))
		}
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.String()
}

func icsText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}
