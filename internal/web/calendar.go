package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
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
// address (a calendar program, with no session). It holds the worker's own
// events only: their next conference, their cases' deadlines (as their
// agenda page lists them) and their open next steps. Something overdue is on
// today's date, marked overdue, not on a day long past where no one looks.
// Events name cases by number only, never a family: a calendar service is
// outside the agency. Every read is recorded with the feed's id.
func (app *App) calendarFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(chi.URLParam(r, "token"), ".ics")
	if !ok || len(token) < 20 || len(token) > 100 {
		http.NotFound(w, r)
		return
	}
	v, feed, err := app.store.ViewerByCalendarToken(r.Context(), token)
	if err != nil {
		http.NotFound(w, r) // unknown, revoked, or the person deactivated: the same answer
		return
	}
	v.Addr, v.RequestID = origin(r).Addr, origin(r).RequestID
	fd, err := app.ws.Feed(r.Context(), v, app.today())
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	events, cases := feedEvents(fd.Facts, fd.IDs, fd.Result, fd.FactID, fd.Steps)
	if err := app.store.RecordCalendarRead(r.Context(), v, feed, cases); err != nil {
		app.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(icsCalendar(events, app.now())))
}

// feedHorizon is how far ahead the feed looks.
const feedHorizon = 90

// feedEvents chooses the worker's own events (me is their fact id) and
// names the cases they mention (database ids, for the record of the read).
func feedEvents(f rules.Facts, ids store.FactIDs, res rules.Result, me string, steps []store.MyStep) ([]icsEvent, []int64) {
	asOf := res.AsOf
	horizon := asOf.AddDays(feedHorizon)
	mine := map[string]bool{} // the worker's own cases, by number
	for _, c := range f.Cases {
		if c.Worker == me {
			mine[c.ID] = true
		}
	}
	named := map[int64]bool{}
	var events []icsEvent
	add := func(uid, title string, due rules.Date, overdue bool, description string) {
		e := icsEvent{uid: uid, day: due, summary: title, description: description}
		if overdue {
			// On today's date, where the worker looks, saying since when.
			e.day, e.summary = asOf, "Overdue since "+due.String()+": "+title
		}
		events = append(events, e)
	}
	for _, o := range res.Obligations {
		open, overdue := o.State == rules.StateOpen, o.State == rules.StateOverdue
		if (!open && !overdue) || o.Due.After(horizon) {
			continue
		}
		switch {
		case o.Subject == me && res.Is(o, rules.TagWorkerConference):
			add(feedUID(o), "Next conference with your supervisor", o.Due, overdue, o.Source)
		case mine[o.Subject] && !res.Is(o, rules.TagCaseDiscussion): // the supervisor's, as on the agenda page
			named[ids.Cases[o.Subject]] = true
			add(feedUID(o), "Case "+o.Subject+": "+ruleTitle(res, o), o.Due, overdue, o.Source)
		}
	}
	number := map[int64]string{}
	for n, id := range ids.Cases {
		number[id] = n
	}
	for _, s := range steps {
		if s.DoneOn != nil {
			continue
		}
		title := "Next step: " + stepTitle(s)
		if s.CaseID != nil {
			if n, ok := number[*s.CaseID]; ok {
				title = "Case " + n + ": next step: " + stepTitle(s)
				named[*s.CaseID] = true
			}
		}
		due := dateOf(s.DueOn)
		add(fmt.Sprintf("step.%d", s.ID), title, due, due.Before(asOf), "")
	}
	sort.Slice(events, func(i, j int) bool { return events[i].uid < events[j].uid })
	cases := make([]int64, 0, len(named))
	for id := range named {
		if id != 0 {
			cases = append(cases, id)
		}
	}
	slices.Sort(cases)
	return events, cases
}

// ruleTitle names an obligation for people: its rule's label in the profile
// in force; never the rule's id.
func ruleTitle(res rules.Result, o rules.Obligation) string { return res.Label(o) }

// feedUID identifies an obligation's event across fetches without naming its
// rule: a calendar program shows a UID to nobody, but it is still the feed's
// text, where no internal name goes.
func feedUID(o rules.Obligation) string {
	sum := sha256.Sum256([]byte(o.Rule + "\x00" + o.Subject))
	return "obligation." + hex.EncodeToString(sum[:12])
}

// stepTitleMax is the longest a next step's title is, in characters.
const stepTitleMax = 60

// stepTitle is a next step's text as a short plain title: one line, the
// family's name (if the supervisor typed it) replaced, cut at a word.
func stepTitle(s store.MyStep) string {
	t := strings.Join(strings.Fields(s.Description), " ")
	if s.FamilyName != nil && len(*s.FamilyName) >= 2 {
		t = replaceFold(t, *s.FamilyName, "(name removed)")
	}
	if utf8.RuneCountInString(t) <= stepTitleMax {
		return t
	}
	runes := []rune(t)[:stepTitleMax]
	cut := len(runes)
	for i := len(runes) - 1; i > stepTitleMax/2; i-- {
		if runes[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(runes[:cut]), " ,;:.-") + "…"
}

// replaceFold replaces every occurrence of old in s, whatever its case.
func replaceFold(s, old, repl string) string {
	lower, lo := strings.ToLower(s), strings.ToLower(old)
	if len(lower) != len(s) || !strings.Contains(lower, lo) {
		return s // a case mapping that changes lengths: leave the text alone
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i] + repl)
		s, lower = s[i+len(lo):], lower[i+len(lo):]
	}
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

// icsText escapes TEXT (RFC 5545 3.3.11): a line break of any kind, a lone
// CR included, becomes \n, so no text can end a line and start a property;
// other control characters are dropped.
func icsText(s string) string {
	s = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
